#!/usr/bin/env bash
# tests/static.sh - `make static` (issue 12, item 1): the binary has no
# dynamic dependencies and finds a leak in a chroot that holds nothing but
# itself and the file to check (no libc, no libgit2, no /etc).
source "$(dirname "$0")/lib.sh"

STATIC=$ROOT/build/pgleak-hook-static

build_static() {
	make_plain -s -C "$ROOT" static OUT=build >build.log 2>&1 || fail "make static failed: $(grep -v 'statically linked' build.log | tail -n 5)"
}

test_static_has_no_dynamic_dependencies() {
	build_static || return 1
	local out; out=$(ldd "$STATIC" 2>&1)
	assert_contains "$out" "not a dynamic executable"
}

test_static_finds_a_leak_in_an_empty_chroot() {
	build_static || return 1
	mkdir -p root/src && cp "$STATIC" root/pgleak-hook || return 1
	leaky_js root/src/db.js
	local out rc
	if [ "$(id -u)" = 0 ]; then
		out=$(chroot root /pgleak-hook check /src/db.js 2>&1); rc=$?
	else
		# without root no chroot: at least no environment and no PATH
		out=$(cd root && env -i ./pgleak-hook check src/db.js 2>&1); rc=$?
	fi
	[ $rc -eq 1 ] || { fail "expected exit 1 (a finding), got $rc: $out"; return 1; }
	assert_contains "$out" "never released"
}

# The hook path with the static binary: a real repository, a real commit.
test_static_binary_blocks_a_leaking_commit() {
	build_static || return 1
	source "$ROOT/tests/hook_lib.sh"
	PGLEAK_BIN=$STATIC new_repo || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked
}

run_tests
