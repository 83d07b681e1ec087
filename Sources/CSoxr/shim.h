#ifndef CHORUS_CSOXR_SHIM_H
#define CHORUS_CSOXR_SHIM_H
#include <soxr.h>
#endif
