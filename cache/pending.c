/*
 * pending.c - TEMPORARY placeholder for `pgleak-hook cache` while cache/ is
 * written; deleted by the commit that brings the real command.
 */
#include <stdio.h>

#include "commands.h"

int pg_cmd_cache(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "pgleak-hook: 'cache' is not available in this build yet\n");
	return 2;
}
