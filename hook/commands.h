/*
 * commands.h - the entry point of each subcommand of pgleak-hook.
 *
 * hook/main.c parses the command name and hands the remaining arguments
 * (argv[0] is the command's name) to one of these.  Each returns the
 * process exit code of cli.md: 0, 1 (findings / blocked) or 2 (error).
 */
#ifndef PG_COMMANDS_H
#define PG_COMMANDS_H

int pg_cmd_check(int argc, char **argv);     /* hook/check.c */
int pg_cmd_run(int argc, char **argv);       /* hook/run.c */
int pg_cmd_diff(int argc, char **argv);      /* hook/run.c */
int pg_cmd_install(int argc, char **argv);   /* hook/install.c */
int pg_cmd_uninstall(int argc, char **argv); /* hook/install.c */
int pg_cmd_cache(int argc, char **argv);     /* hook/cachecmd.c */
int pg_cmd_lsp(int argc, char **argv);       /* hook/lsp.c */

#include <stdio.h>
/* Serves the LSP on one stream until exit or its end (with the on-disk cache or not); the exit code. */
int pg_lsp_serve(FILE *in, FILE *out, int use_cache);

#endif
