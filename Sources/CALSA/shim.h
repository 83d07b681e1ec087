#ifndef CHORUS_CALSA_SHIM_H
#define CHORUS_CALSA_SHIM_H
#include <alsa/asoundlib.h>

/* libasound prints its own errors to standard error, which would tear a full-screen
   terminal; Chorus reports them itself. The handler is variadic, so it lives here. */
static void chorus_alsa_silent(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}
static inline void chorus_alsa_quiet(void) { snd_lib_error_set_handler(chorus_alsa_silent); }
#endif
