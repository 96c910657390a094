/* TEMPORARY main until hook/main.c is written. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "check"))
		return pg_cmd_check(argc - 1, argv + 1);
	fprintf(stderr, "usage: pgleak-hook check PATH...\n");
	return 2;
}
