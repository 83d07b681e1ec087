#ifndef CHORUS_CZLIB_SHIM_H
#define CHORUS_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2 is a macro over deflateInit2_ with the library's version and the stream's size;
   Swift sees this function instead. windowBits 15 + 16 writes a gzip header and trailer. */
static inline int chorus_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
}
#endif
