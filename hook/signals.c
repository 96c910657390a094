/*
 * signals.c - the handlers and the shielded cache close of signals.h.
 *
 * The handler is async-signal-safe: it writes a line prepared before the
 * handlers were installed, then raises the signal again, which (with
 * SA_RESETHAND) takes the default action once the handler returns.
 */
#include "signals.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
#define N_CAUGHT (sizeof(caught) / sizeof(caught[0]))

static char lines[N_CAUGHT][160];
static size_t line_len[N_CAUGHT];

static void on_signal(int sig)
{
	for (size_t i = 0; i < N_CAUGHT; i++)
		if (caught[i] == sig) {
			ssize_t w = write(STDERR_FILENO, lines[i], line_len[i]);
			(void)w;
		}
	raise(sig); /* blocked while the handler runs: delivered, with the default action, on return */
}

void pg_signals_catch(const char *what)
{
	static const char *const names[N_CAUGHT] = {"SIGINT", "SIGTERM", "SIGHUP"};
	for (size_t i = 0; i < N_CAUGHT; i++) {
		struct sigaction sa, old;
		int n = snprintf(lines[i], sizeof(lines[i]), "\npgleak-hook: interrupted (%s): %s\n", names[i], what);
		line_len[i] = n < 0 ? 0 : (size_t)n < sizeof(lines[i]) ? (size_t)n : sizeof(lines[i]) - 1;
		if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaction(caught[i], &sa, NULL);
	}
}

int pg_cache_close_shielded(pg_cache *c)
{
	sigset_t set, saved;
	int rc;
	sigemptyset(&set);
	for (size_t i = 0; i < N_CAUGHT; i++)
		sigaddset(&set, caught[i]);
	sigprocmask(SIG_BLOCK, &set, &saved);
	rc = pg_cache_close(c);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return rc;
}
