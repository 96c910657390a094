/*
 * main.c - the pgleak-hook program: finds the command and hands it the
 * rest of the arguments (hook/commands.h).
 *
 * It also owns what is the same for every command: --version, the
 * overview help (each command prints its own page for `COMMAND --help`, so
 * the facts stay beside the code), the answer to an unknown command, and the process-wide settings (SIGPIPE ignored so that
 * `pgleak-hook check | head` ends quietly instead of being killed midway,
 * the final flush of stdout checked).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "commands.h"
#include "util.h"

typedef struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	int cached; /* uses the on-disk cache: its settings are checked first */
} command;

/* Each command prints its own page for `COMMAND --help`: the facts stay beside the code they describe. */
static const command commands[] = {
	{"install", pg_cmd_install, "install the git pre-commit and pre-merge-commit hooks in this repository (--husky: in .husky/pre-commit)", 0},
	{"uninstall", pg_cmd_uninstall, "remove the hook, restoring the one it chained", 0},
	{"run", pg_cmd_run, "check what is staged against HEAD: what the hook runs (--strict: block on old leaks too)", 1},
	{"check", pg_cmd_check, "check files and folders, recursively; needs no repository", 1},
	{"diff", pg_cmd_diff, "CI: the leaks that REV..REV (or REV..index) introduces", 1},
	{"lsp", pg_cmd_lsp, "a language server (LSP over stdio) for editors: diagnostics as you type", 1},
	{"cache", pg_cmd_cache, "stats|clear|path|verify: the on-disk cache of per-file and per-function results", 1},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *f)
{
	fprintf(f,
	        "pgleak-hook %s - block git commits that leak PostgreSQL pool clients\n"
	        "\n"
	        "It finds `await pool.connect()` (node-postgres and compatible pools) whose\n"
	        "client is not released on every path (an exception from a query, an early\n"
	        "return, a throw), in JavaScript and TypeScript, and stops the commit that\n"
	        "introduces one.  Leaks already in the code do not block unrelated commits.\n"
	        "\n"
	        "usage: pgleak-hook COMMAND [OPTIONS]\n"
	        "\n"
	        "Commands:\n",
	        PG_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
	        "\n"
	        "  pgleak-hook COMMAND --help   more about one command\n"
	        "  pgleak-hook --version        the version\n"
	        "\n"
	        "Exit codes: 0 nothing found / commit allowed, 1 leaks found / commit\n"
	        "blocked, 2 error (bad arguments, unreadable input, bad configuration).\n"
	        "\n"
	        "Environment:\n"
	        "  PGLEAK_SKIP=1     `run` allows the commit without checking, and says so\n"
	        "  PGLEAK_CACHE_DIR  where the cache lives\n"
	        "  PGLEAK_CACHE_MAX_BYTES  the cache's size limit (default 64M; K, M, G suffixes)\n"
	        "  NO_COLOR          set and not empty: no colour (colour is only used on a terminal anyway)\n"
	        "  FORCE_COLOR       set and not empty: colour even into a pipe (0 or false: none)\n"
	        "\n"
	        "Configuration: .pgleak.json at the repository root (every key optional):\n"
	        "  {\n"
	        "    \"pools\": [\"db\", \"this.pg\"],         receivers that are pg pools\n"
	        "    \"acquire\": [\"checkout\"],            methods that check a client out\n"
	        "                                        (besides connect)\n"
	        "    \"release\": [\"giveBack\"],            methods that give it back (besides release)\n"
	        "    \"releaseHelpers\": [\"returnClient\"], functions that release their argument\n"
	        "    \"ignore\": [\"dist\", \"legacy/**\"],    paths not checked (globs; ** spans folders)\n"
	        "    \"maxFileBytes\": 2097152             larger files are skipped\n"
	        "  }\n"
	        "\n"
	        "Suppressing one finding (say why in the comment):\n"
	        "  // pgleak-ignore-next-line   on the line before the connect() call\n"
	        "  const client = await pool.connect(); // pgleak-ignore   on the same line\n"
	        "\n"
	        "Example:\n"
	        "  $ pgleak-hook install\n"
	        "  $ git commit -m \"orders: load by id\"\n"
	        "  src/orders.ts:12:36: error: the client checked out of `this.pool` is not released on every path [release-not-guaranteed]\n"
	        "   12 |     const client = await this.pool.connect();\n"
	        "      |                                    ^\n"
	        "    leaks when the query at line 13 throws (in OrderRepository.byId)\n"
	        "    hint: put the code after the checkout in `try { ... } finally { client.release(); }`\n"
	        "  (exit 1: the commit is blocked; fix it, or bypass with PGLEAK_SKIP=1 git commit ...)\n"
	        "\n"
	        "  $ pgleak-hook check src/     check a whole tree, no repository needed\n");
}

static const command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The command a mistyped NAME most likely meant (two edits at most), or NULL. */
static const char *nearest_command(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		size_t d = pg_edit_distance(name, commands[i].name);
		if (d < best_d)
			best_d = d, best = commands[i].name;
	}
	return best;
}

/*
 * A size limit that cannot be read is an error, not a silent default: the
 * user who set it meant something, and a typo would otherwise go unnoticed.
 */
static int cache_settings_valid(void)
{
	uint64_t max_bytes;
	if (pg_cache_max_bytes_from_env(&max_bytes) == 0)
		return 1;
	fprintf(stderr, "pgleak-hook: %s\n"
	        "Set it to a size such as 64M (bytes, or K, M, G), or unset it for the default.\n",
	        pg_error_last());
	return 0;
}

/* Flushes stdout; a reader that went away (EPIPE) is not an error worth a message. */
static int finish(int code)
{
	if (fflush(stdout) != 0) {
		if (errno == EPIPE)
			return code;
		fprintf(stderr, "pgleak-hook: cannot write the output: %s\n", strerror(errno));
		return 2;
	}
	return code;
}

int main(int argc, char **argv)
{
	const command *cmd;
	const char *name;

	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		fprintf(stderr, "usage: pgleak-hook COMMAND [OPTIONS]\n\nCommands:\n");
		for (size_t i = 0; i < NCOMMANDS; i++)
			fprintf(stderr, "  %-10s %s\n", commands[i].name, commands[i].summary);
		fprintf(stderr, "\npgleak-hook: no command given; 'pgleak-hook --help' explains more\n");
		return 2;
	}
	name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "-V") || !strcmp(name, "version")) {
		printf("pgleak-hook %s\n", PG_VERSION);
		return finish(0);
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (argc > 2 && (cmd = find_command(argv[2])) != NULL) {
			char *help_argv[] = {argv[2], "--help", NULL};
			return finish(cmd->fn(2, help_argv));
		}
		if (argc > 2) {
			const char *near = nearest_command(argv[2]);
			if (near)
				fprintf(stderr, "pgleak-hook: '%s' is not a command; did you mean '%s'?\n", argv[2], near);
			else
				fprintf(stderr, "pgleak-hook: '%s' is not a command; see 'pgleak-hook --help'\n", argv[2]);
			return 2;
		}
		print_help(stdout);
		return finish(0);
	}
	if (name[0] == '-') {
		fprintf(stderr,
		        "pgleak-hook: unknown option '%s'\n"
		        "Options come after the command, e.g. 'pgleak-hook check --format json src/'; "
		        "see 'pgleak-hook --help'.\n",
		        name);
		return 2;
	}
	cmd = find_command(name);
	if (!cmd) {
		const char *near = nearest_command(name);
		if (near)
			fprintf(stderr, "pgleak-hook: '%s' is not a command; did you mean '%s'?\n", name, near);
		else
			fprintf(stderr, "pgleak-hook: '%s' is not a command.\n", name);
		fprintf(stderr, "Commands:");
		for (size_t i = 0; i < NCOMMANDS; i++)
			fprintf(stderr, " %s", commands[i].name);
		fprintf(stderr, ".  See 'pgleak-hook --help'.\n");
		return 2;
	}
	if (cmd->cached && !(argc > 2 && !strcmp(argv[2], "--help")) && !cache_settings_valid())
		return 2;
	return finish(cmd->fn(argc - 1, argv + 1));
}
