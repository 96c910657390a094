#!/usr/bin/env bash
# tests/hook_gitcli.sh - repositories libgit2 1.5 cannot read (issue 11 items 7 and 8): a split
# index, a sparse index, SHA-256 objects.  The hook reads them through git itself
# (diff/gitcli.c) and judges commits as in any repository; PGLEAK_GIT_CLI=1 (internal) forces
# that reader where libgit2 works, so both readers are compared on the same commits.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# commits_judged: in the repository of the current folder, with the hook installed, a safe file
# commits, a leak blocks, an edit in an old leaking function warns, a helper that stops
# releasing blocks its unchanged importer.
commits_judged() {
	{ js_pool_header; js_safe_fn listUsers; } >accounts.js && git add accounts.js
	commit_ok || return 1
	{ js_pool_header; js_safe_fn listUsers; js_leaky_fn addUser; } >accounts.js && git add accounts.js
	commit_blocked || return 1
	assert_contains "$OUT" "accounts.js:15:" || return 1
	assert_not_contains "$OUT" "rm " || return 1
	git commit -q --no-verify -m "old leak" || return 1
	sed -i 's/SELECT 2/SELECT 22/' accounts.js && git add accounts.js
	commit_ok || return 1
	assert_contains "$OUT" "warning" || return 1
	printf "export function done(client) {\n  client.release();\n}\n" >release.js
	printf "import { Pool } from 'pg';\nimport { done } from './release.js';\nconst pool = new Pool();\nexport async function job() {\n  const c = await pool.connect();\n  try {\n    await c.query('SELECT 1');\n  } finally {\n    done(c);\n  }\n}\n" >jobs.js
	git add release.js jobs.js && commit_ok || return 1
	printf "export function done(client) {\n  console.log(client.processID);\n}\n" >release.js && git add release.js
	commit_blocked || return 1
	assert_contains "$OUT" "jobs.js:5:"
}

test_sha256_repository() {
	suppress_libgit2_pcre2_leak
	git init -q --object-format=sha256 repo && cd repo || return 1
	"$PGLEAK_BIN" install >out 2>&1 || { cat out; fail "install in a SHA-256 repository failed"; return 1; }
	[ -x .git/hooks/pre-commit ] || { fail "no hook written"; return 1; }
	# the first commit, against no HEAD
	{ js_pool_header; js_leaky_fn first; } >first.js && git add first.js
	commit_blocked || return 1
	git rm -q --cached first.js && rm first.js
	commits_judged || return 1
	"$PGLEAK_BIN" uninstall >/dev/null && [ ! -e .git/hooks/pre-commit ] || fail "uninstall failed"
}

test_split_index() {
	new_repo || return 1
	git config core.splitIndex true && git update-index --split-index || return 1
	[ -n "$(ls .git/sharedindex.* 2>/dev/null)" ] || { fail "no split index made"; return 1; }
	commits_judged
}

test_sparse_index() {
	new_repo || return 1
	mkdir -p app lib && printf "export function done(client) {\n  client.release();\n}\n" >lib/release.js
	printf "import { Pool } from 'pg';\nimport { done } from '../lib/release.js';\nconst pool = new Pool();\nexport async function job() {\n  const c = await pool.connect();\n  try {\n    await c.query('SELECT 1');\n  } finally {\n    done(c);\n  }\n}\n" >app/jobs.js
	git add app lib && git commit -q -m layout || return 1
	git sparse-checkout set --cone --sparse-index lib || return 1
	[ ! -e app/jobs.js ] || { fail "app/ still checked out"; return 1; }
	# a helper in the cone stops releasing: its importer outside the cone is judged from the index
	printf "export function done(client) {\n  console.log(client.processID);\n}\n" >lib/release.js && git add lib/release.js
	commit_blocked || return 1
	assert_contains "$OUT" "app/jobs.js:5:" || return 1
	git checkout -q lib/release.js 2>/dev/null; git reset -q --hard
	{ js_pool_header; js_leaky_fn addUser; } >lib/leak.js && git add lib/leak.js
	commit_blocked || return 1
	assert_contains "$OUT" "lib/leak.js:6:"
}

# The same commits, read by libgit2 and by git: the same findings, each marked the same.
test_both_readers_agree() {
	new_repo || return 1
	local i a b
	{ js_pool_header; js_safe_fn listUsers; js_leaky_fn oldLeak; } >users.js
	printf 'notes\n' >notes.txt && printf 'const x = 1;\n' >rename-me.txt
	git add . && git commit -q --no-verify -m base || return 1
	# a modification, a new leak, a rename from .txt to .js, a deletion, an old leak touched
	sed -i 's/SELECT 2/SELECT 22/' users.js
	git mv rename-me.txt renamed.js && { js_pool_header; js_leaky_fn moved; } >>renamed.js
	{ js_pool_header; js_leaky_fn fresh; } >"new file.ts" && git rm -q notes.txt
	printf '{ "acquire": ["checkout"] }\n' >.pgleak.json
	git add -A || return 1
	for i in 1 2; do
		PGLEAK_CACHE_DIR=$PWD/../cache$i "$PGLEAK_BIN" run --format json >../lib$i.json 2>/dev/null
		a=$?
		PGLEAK_CACHE_DIR=$PWD/../cache$i PGLEAK_GIT_CLI=1 "$PGLEAK_BIN" run --format json >../cli$i.json 2>/dev/null
		b=$?
		assert_eq "$b" "$a" || return 1
		python3 - ../lib$i.json ../cli$i.json <<'PY' || return 1
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["findings"] and a["findings"] == b["findings"], (a["findings"], b["findings"])
assert a["stats"]["files"] == b["stats"]["files"], (a["stats"], b["stats"])
PY
	done
	assert_eq "$a" 1
}

# `diff` too: in a SHA-256 repository (libgit2 cannot open it) REV..REV, REV...REV and REV
# against the index are judged through git, and on a SHA-1 repository both readers agree on
# the same revisions, findings and exit codes.
diff_history() {
	{ js_pool_header; js_safe_fn listUsers; } >users.js && git add users.js
	git commit -q --no-verify -m base || return 1
	git checkout -q -b topic || return 1
	{ js_pool_header; js_safe_fn listUsers; js_leaky_fn addUser; } >users.js
	git mv users.js accounts.js && git commit -q --no-verify -am "leak, renamed" || return 1
	git checkout -q - && printf 'notes\n' >notes.txt && git add notes.txt && git commit -q -m notes || return 1
	git checkout -q topic
}

diff_judged() {
	local out rc
	out=$("$PGLEAK_BIN" diff "$1" 2>&1); rc=$?
	assert_eq "$rc" "$2" || { fail "diff $1: $out"; return 1; }
	[ "$2" -ne 1 ] || assert_contains "$out" "accounts.js:15:"
}

test_diff_through_git_in_a_sha256_repository() {
	suppress_libgit2_pcre2_leak
	git init -q --object-format=sha256 -b main repo && cd repo || return 1
	git config user.email t@example.com && git config user.name t
	diff_history || return 1
	diff_judged main..topic 1 || return 1
	diff_judged main...topic 1 || return 1
	diff_judged topic..main 0 || return 1
	diff_judged main 1 || return 1      # main against the index (topic's files)
	diff_judged HEAD 0 || return 1
	git checkout -q main && diff_judged ...topic 1 || return 1
	local out; out=$("$PGLEAK_BIN" diff no-such-rev 2>&1)
	[ $? -eq 2 ] || { fail "an unknown revision did not exit 2: $out"; return 1; }
	assert_contains "$out" "no-such-rev" || return 1
	out=$("$PGLEAK_BIN" diff -- 2>&1)
	[ $? -eq 2 ] || fail "'diff --' did not exit 2: $out"
}

test_diff_both_readers_agree() {
	git init -q -b main repo && cd repo || return 1
	git config user.email t@example.com && git config user.name t
	diff_history || return 1
	local r a b
	for r in main..topic main...topic topic..main main HEAD; do
		"$PGLEAK_BIN" diff --format json "$r" >../lib.json 2>/dev/null; a=$?
		PGLEAK_GIT_CLI=1 "$PGLEAK_BIN" diff --format json "$r" >../cli.json 2>/dev/null; b=$?
		assert_eq "$b" "$a" || { fail "diff $r: exit $a with libgit2, $b through git"; return 1; }
		python3 - ../lib.json ../cli.json <<'PY' || { fail "diff $r: the readers differ"; return 1; }
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["findings"] == b["findings"], (a["findings"], b["findings"])
PY
	done
}

# An index neither libgit2 nor git can read: exit 2, both said, never advice to delete it.
test_unreadable_index_named_without_rm_advice() {
	new_repo || return 1
	printf 'DIRC garbage' >.git/index
	"$PGLEAK_BIN" run >out 2>&1; assert_eq "$?" 2 || { cat out; return 1; }
	assert_contains "$(cat out)" "cannot read the index" || return 1
	assert_contains "$(cat out)" "git cannot read" || return 1
	assert_not_contains "$(cat out)" "rm " || return 1
	assert_not_contains "$(cat out)" "rm -" || return 1
}

run_tests
