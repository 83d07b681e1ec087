#ifndef CHORUS_CLIBCRYPTO_SHIM_H
#define CHORUS_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
