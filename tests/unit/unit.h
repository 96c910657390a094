/*
 * unit.h - the C side of the test protocol: each unit test program prints
 * "ok NAME" or "FAIL NAME" lines (as tests/lib.sh does) and exits non-zero
 * when anything failed.  CHECK records a failure with its line and goes on.
 */
#ifndef PG_UNIT_H
#define PG_UNIT_H
#include <stdio.h>

static int unit_failures;
static int unit_case_failed;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "    %s:%d: check failed: %s\n", __FILE__, \
			        __LINE__, #cond);                                \
			unit_case_failed = 1;                                    \
		}                                                                \
	} while (0)

#define RUN(fn)                                                                    \
	do {                                                                       \
		unit_case_failed = 0;                                              \
		fn();                                                              \
		fflush(stderr);                                                    \
		printf("%s %s:%s\n", unit_case_failed ? "FAIL" : "ok", UNIT_NAME, #fn); \
		fflush(stdout);                                                    \
		unit_failures += unit_case_failed;                                 \
	} while (0)

#endif
