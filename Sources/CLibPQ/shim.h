#ifndef CHORUS_CLIBPQ_SHIM_H
#define CHORUS_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* PG_DIAG_SQLSTATE is a character macro; Swift sees a function instead. */
static inline int chorus_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
#endif
