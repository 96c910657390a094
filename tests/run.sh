#!/usr/bin/env bash
# tests/run.sh - runs every test of the project and ends with the line
# "N passed, N failed".  Test files are tests/*.sh (each sources lib.sh);
# unit test programs are the binaries in $PGLEAK_UNIT_DIR, which print the
# same "ok NAME" / "FAIL NAME" lines; a test file that cannot run here (the
# corpus outside this repository) prints "NOT RUN ..." and is counted apart.
# TEST_FILTER=regex narrows the run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${PGLEAK_BIN:?run through make test}"
passed=0 failed=0
log=$(mktemp)
# the analysis cases (tests/cases, run by tests/unit/cases.c)
export PGLEAK_CASES_DIR="$here/cases"
if [ -n "${PGLEAK_UNIT_DIR:-}" ] && [ -d "$PGLEAK_UNIT_DIR" ]; then
	for u in "$PGLEAK_UNIT_DIR"/*; do
		[ -x "$u" ] || continue
		"$u" >>"$log" 2>&1
	done
fi
for f in "$here"/*.sh; do
	case $(basename "$f") in lib.sh|run.sh) continue ;; esac
	bash "$f" >>"$log" 2>&1
done
passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^FAIL ' "$log")
notrun=$(grep -c '^NOT RUN ' "$log")
grep -v '^ok ' "$log"
rm -f "$log"
[ "$notrun" -eq 0 ] || echo "$notrun test file(s) NOT RUN on this machine (see the NOT RUN lines above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
