#!/usr/bin/env bash
# tests/check_jobs.sh - `check` with several workers (hook/check.c,
# PGLEAK_JOBS): the same report, byte for byte, whatever the number of
# workers and whichever took which file; the workers are real threads
# (strace sees them made); errors and ignored files as with one.
source "$(dirname "$0")/lib.sh"

# tree: 40 files in nested folders, every third one leaking, one ignored by .pgleak.json.
tree() {
	local i d
	printf '{ "ignore": ["skip/**"] }\n' >.pgleak.json
	mkdir -p skip && leaky_js skip/ignored.js
	for i in $(seq 1 40); do
		d=src/m$((i % 5))/sub$((i % 3))
		mkdir -p "$d"
		if [ $((i % 3)) = 0 ]; then leaky_js "$d/f$i.js"; else safe_js "$d/f$i.js"; fi
	done
	git init -q . # the configuration is the work tree's
}

findings() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["findings"]))' "$1"; }

test_same_report_with_1_2_and_8_workers() {
	tree || return 1
	local j ref
	for j in 1 2 8; do
		PGLEAK_CACHE_DIR=$PWD/../cache-$j PGLEAK_JOBS=$j "$PGLEAK_BIN" check --format json . >r$j.json 2>e$j
		assert_eq "$?" 1 || { cat e$j; return 1; }
	done
	ref=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' r1.json)
	assert_eq "$ref" 13 || return 1
	cmp r1.json r2.json || fail "2 workers report otherwise than 1" || return 1
	cmp r1.json r8.json || fail "8 workers report otherwise than 1" || return 1
	assert_not_contains "$(cat r8.json)" "skip/ignored.js"
	# warm, from the cache the workers shared: the same findings, all from the cache
	PGLEAK_CACHE_DIR=$PWD/../cache-8 PGLEAK_JOBS=8 "$PGLEAK_BIN" check --format json . >w8.json 2>/dev/null
	assert_eq "$(findings w8.json)" "$(findings r1.json)" || return 1
	assert_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["analyzed"])' w8.json)" 0
}

test_workers_are_threads() {
	tree || return 1
	PGLEAK_CACHE_DIR=$PWD/../c4 PGLEAK_JOBS=4 strace -f -qq -e trace=clone,clone3 -o ../t4 "$PGLEAK_BIN" check --quiet . >/dev/null 2>&1
	PGLEAK_CACHE_DIR=$PWD/../c1 PGLEAK_JOBS=1 strace -f -qq -e trace=clone,clone3 -o ../t1 "$PGLEAK_BIN" check --quiet . >/dev/null 2>&1
	[ "$(grep -c CLONE_THREAD ../t4)" -ge 3 ] || fail "PGLEAK_JOBS=4 made fewer than 3 threads: $(cat ../t4)" || return 1
	assert_eq "$(grep -c CLONE_THREAD ../t1)" 0
}

# A file that cannot be read is reported, in the order of the file list, and the others are checked.
test_errors_in_file_order() {
	tree || return 1
	mkdir -p src/m0/bad.js src/m1 && ln -s missing.js src/m1/a-dangling.js
	printf 'x' >src/m0/z.js && chmod 000 src/m0/z.js
	local j
	for j in 1 4; do
		PGLEAK_CACHE_DIR=$PWD/../ce-$j PGLEAK_JOBS=$j "$PGLEAK_BIN" check --format json . >r$j.json 2>e$j
		echo "exit $?" >>e$j
	done
	cmp e1 e4 || { fail "errors differ: $(cat e1) / $(cat e4)"; return 1; }
	cmp r1.json r4.json || fail "reports differ"
}

run_tests
