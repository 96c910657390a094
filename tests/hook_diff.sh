#!/usr/bin/env bash
# tests/hook_diff.sh - `pgleak-hook diff` for CI: exactly the findings that
# the second revision introduces over the first (issue 3, item 11).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# Two commits A and B: A has an old leak, B adds one new leak, edits the old
# leaking function and adds a safe function.
two_commits() {
	git init -q repo && cd repo || return 1
	{ js_pool_header; js_safe_fn listUsers; js_leaky_fn oldLeak; } >users.js
	git add users.js && git commit -q -m A && A=$(git rev-parse HEAD) || return 1
	sed -i 's/SELECT 2/SELECT 22/' users.js
	{ js_leaky_fn newLeak; js_safe_fn newSafe; } >>users.js
	{ js_pool_header; js_leaky_fn otherLeak; } >other.ts
	git add users.js other.ts && git commit -q -m B && B=$(git rev-parse HEAD)
}

# The findings of a JSON report as "path function introduced" lines, sorted.
json_findings() {
	jq -r '.findings[] | "\(.path) \(.function) \(.introduced)"' | sort
}

test_diff_range_reports_exactly_introduced() {
	two_commits || return 1
	local out rc
	out=$("$PGLEAK_BIN" diff --format json "$A..$B"); rc=$?
	[ $rc -eq 1 ] || { fail "expected exit 1, got $rc"; return 1; }
	assert_eq "$(printf '%s' "$out" | json_findings)" "$(printf 'other.ts otherLeak true\nusers.js newLeak true')"
}

test_diff_without_new_leaks_is_clean() {
	two_commits || return 1
	{ js_safe_fn later; } >>users.js && git add users.js && git commit -q -m C || return 1
	local out rc
	out=$("$PGLEAK_BIN" diff --format json "$B..HEAD"); rc=$?
	[ $rc -eq 0 ] || { fail "expected exit 0, got $rc: $out"; return 1; }
	assert_eq "$(printf '%s' "$out" | jq '.findings | length')" 0
}

test_diff_rev_against_index_and_merge_base() {
	two_commits || return 1
	git checkout -q -b feature "$A" || return 1
	{ js_leaky_fn branchLeak; } >>users.js && git add users.js
	local out
	out=$("$PGLEAK_BIN" diff --format json "$A")
	assert_eq "$(printf '%s' "$out" | json_findings)" "users.js branchLeak true" || return 1
	git commit -q -m F || return 1
	# main...feature: from the merge base (A), so main's own leaks (B) are not the branch's.
	out=$("$PGLEAK_BIN" diff --format json "main...feature")
	assert_eq "$(printf '%s' "$out" | json_findings)" "users.js branchLeak true"
}

test_diff_sarif_and_text() {
	two_commits || return 1
	local out
	out=$("$PGLEAK_BIN" diff --format sarif "$A..$B")
	assert_eq "$(printf '%s' "$out" | jq -r '.version')" "2.1.0" || return 1
	assert_eq "$(printf '%s' "$out" | jq '[.runs[0].results[]] | length')" 2 || return 1
	out=$("$PGLEAK_BIN" diff "$A..$B" 2>&1)
	assert_contains "$out" "newLeak" || return 1
	assert_not_contains "$out" "oldLeak"
}

# In CI there is no local hook to bypass: --ci says to fix and push instead.
test_diff_ci_does_not_advise_no_verify() {
	two_commits || return 1
	local out rc
	out=$("$PGLEAK_BIN" diff "$A..$B" 2>&1 >/dev/null)
	assert_contains "$out" "--no-verify" || return 1
	out=$("$PGLEAK_BIN" diff --ci "$A..$B" 2>&1 >/dev/null); rc=$?
	[ $rc -eq 1 ] || { fail "expected exit 1, got $rc"; return 1; }
	assert_contains "$out" "push again" || return 1
	assert_not_contains "$out" "--no-verify" || return 1
	assert_not_contains "$out" "PGLEAK_SKIP"
}

test_diff_bad_revision_is_exit_2() {
	two_commits || return 1
	local out rc
	out=$("$PGLEAK_BIN" diff no-such-rev..HEAD 2>&1); rc=$?
	[ $rc -eq 2 ] || { fail "expected exit 2, got $rc"; return 1; }
	assert_contains "$out" "no-such-rev"
}

# Before the first commit, `diff HEAD` says in words that there is no commit yet.
test_diff_head_before_first_commit_says_so() {
	git init -q repo && cd repo || return 1
	{ js_pool_header; js_leaky_fn firstLeak; } >users.js && git add users.js
	local out rc
	out=$("$PGLEAK_BIN" diff HEAD 2>&1); rc=$?
	[ $rc -eq 2 ] || { fail "expected exit 2, got $rc: $out"; return 1; }
	assert_contains "$out" "no commit yet" || return 1
	assert_not_contains "$out" "revspec"
}

run_tests
