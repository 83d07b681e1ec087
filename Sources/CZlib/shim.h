#ifndef CHORUS_CZLIB_SHIM_H
#define CHORUS_CZLIB_SHIM_H
#include <zlib.h>
#endif
