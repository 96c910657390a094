/*
 * report.h - how findings are shown: text for people (with a code frame),
 * JSON for scripts (cli.md's contract) and SARIF 2.1.0 for code scanning.
 *
 * Every command that reports findings (check, run, diff) sorts them with
 * pg_findings_sort and hands them here, so the three formats stay the same
 * whichever command produced them.
 */
#ifndef PG_REPORT_H
#define PG_REPORT_H

#include <stdio.h>

#include "engine.h"

typedef enum { PG_FORMAT_TEXT, PG_FORMAT_JSON, PG_FORMAT_SARIF } pg_format;

/* "text", "json" or "sarif"; PG_EINVALID (with a message) on anything else. */
int pg_format_parse(const char *name, pg_format *out);

typedef struct {
	pg_format format;
	int color;           /* text only: ANSI colour */
	int with_introduced; /* json: emit "introduced"; text: introduced==0 is a "warning", not an "error" */
	/* text: a "fix: pgleak-hook check --fix FILE" line under the findings it can fix, planned with
	 * this configuration (the one that judged them); NULL: no fix line */
	const pg_config *fix_cfg;
	/*
	 * sarif: the repository's root (absolute; NULL: unknown), named in
	 * originalUriBaseIds as %SRCROOT%, and for each finding (in order; NULL
	 * array or "" entry: the finding's path is already relative to that
	 * root) its path relative to the root, or its absolute path when it
	 * lies outside.
	 */
	const char *root;
	char *const *root_paths;
} pg_report_opts;

/*
 * Colour, unless NO_COLOR is set and not empty (no-color.org; it wins over
 * everything); else as FORCE_COLOR says when it is set and not empty ("0"
 * or "false": none, anything else: colour, even into a pipe); else none for
 * TERM=dumb; else only on a terminal.
 */
int pg_report_color_wanted(FILE *f);

/*
 * Writes the findings (already sorted) and the stats.  `src` reads the files
 * again for the code frame (may be NULL: no frame).  Returns 0, or a negative
 * value when writing failed.
 */
int pg_report_write(FILE *out, const pg_report_opts *o, const pg_findings *fs,
                    const pg_stats *st, const pg_source *src);

#endif
