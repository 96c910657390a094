/*
 * pending_git.c - TEMPORARY placeholders for the git commands while diff/
 * and hook/run.c are written; each says so and exits 2.  Deleted by the
 * commit that brings the real ones.
 */
#include <stdio.h>

#include "commands.h"

static int pending(const char *name)
{
	fprintf(stderr, "pgleak-hook: '%s' is not available in this build yet\n", name);
	return 2;
}

int pg_cmd_run(int argc, char **argv) { (void)argc; (void)argv; return pending("run"); }
int pg_cmd_diff(int argc, char **argv) { (void)argc; (void)argv; return pending("diff"); }
int pg_cmd_install(int argc, char **argv) { (void)argc; (void)argv; return pending("install"); }
int pg_cmd_uninstall(int argc, char **argv) { (void)argc; (void)argv; return pending("uninstall"); }
