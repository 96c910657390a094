/*
 * signals.h - how a command lets itself be interrupted (SIGINT, SIGTERM,
 * SIGHUP) without leaving anything half-written.
 *
 * Until the result cache is closed a run has written nothing but the
 * cache's folder and lock file (puts stay in memory), so a signal may end it
 * at once: the handler writes one line saying what stopped, and the signal's
 * default action follows (the process dies of it, so a hook's git does not
 * commit).  Closing the cache (appending to its log, compacting through a
 * tmp file renamed into place, the stats) runs with those signals blocked:
 * one that arrives meanwhile is taken when the writes are over.  Signals
 * ignored when we started (nohup, a background job) stay ignored.  SIGKILL
 * cannot be caught; the cache repairs what it leaves (cache/cache.c).
 */
#ifndef PG_SIGNALS_H
#define PG_SIGNALS_H

#include "cache.h"

/* Installs the handlers; `what` ends the line they print ("stopped; nothing is committed"). */
void pg_signals_catch(const char *what);

/* pg_cache_close with the caught signals blocked. */
int pg_cache_close_shielded(pg_cache *c);

#endif
