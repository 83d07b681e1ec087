#ifndef CHORUS_CLIBPQ_SHIM_H
#define CHORUS_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* PG_DIAG_SQLSTATE is a character macro; Swift sees a function instead. */
static inline int chorus_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int chorus_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }

/* Server notices (NOTICE, WARNING) go nowhere instead of libpq's default, standard error. */
static void chorus_pg_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }
static inline void chorus_pg_quiet(PGconn *connection) { PQsetNoticeProcessor(connection, chorus_pg_ignore_notice, NULL); }
#endif
