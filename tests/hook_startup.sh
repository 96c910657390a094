#!/usr/bin/env bash
# tests/hook_startup.sh - what the hook does before it looks at the
# repository: libgit2's start-up loads no TLS certificates (hook/notls.c),
# in the default binary (libgit2 linked in where its archives are, LINK=mixed),
# with every library shared (`make dynamic`, LINK=dynamic's link) and in
# `make static`'s, and the hook still judges the commit.  strace lists every
# file the process opens.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# traced BIN: `BIN run` under strace in a repository with a staged leak; the opened files in ./trace.
traced_run() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn leak; } >db.js && git add db.js || return 1
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=open,openat -o ../trace "$1" run >out 2>err
	local rc=$?
	[ "$rc" = 1 ] || { fail "expected the leak to block (exit 1), got $rc: $(cat out err)"; return 1; }
	grep -q 'openat(.*"\.git/index"\|openat(.*/index"' ../trace || fail "the trace shows no index read: strace did not trace" || return 1
	if grep -E 'ssl|certs|\.crt|\.pem' ../trace; then
		fail "the hook opened TLS certificate files (above)"
		return 1
	fi
}

test_default_binary_loads_no_certificates() {
	traced_run "$PGLEAK_BIN"
}

test_dynamic_binary_loads_no_certificates() {
	make_plain -s -C "$ROOT" dynamic OUT=build >build.log 2>&1 || fail "make dynamic failed: $(tail -n 5 build.log)" || return 1
	assert_contains "$(ldd "$ROOT/build/pgleak-hook-dynamic")" "libgit2" || return 1
	traced_run "$ROOT/build/pgleak-hook-dynamic"
}

test_static_binary_loads_no_certificates() {
	make_plain -s -C "$ROOT" static OUT=build >build.log 2>&1 || fail "make static failed: $(grep -v 'statically linked' build.log | tail -n 5)" || return 1
	traced_run "$ROOT/build/pgleak-hook-static"
}

run_tests
