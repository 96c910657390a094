#!/usr/bin/env bash
# tests/hook_husky.sh - real husky v9, installed with npm into the test
# repository, runs the check that `pgleak-hook install --husky` added, and
# blocks a leaking commit (issue 3, item 10).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

husky_repo() {
	git init -q repo && cd repo || return 1
	printf '{ "name": "t", "version": "1.0.0", "private": true }\n' >package.json
	printf 'node_modules\n' >.gitignore
	npm install --silent --no-audit --no-fund husky@9 >/dev/null 2>&1 || { fail "npm install husky@9 failed"; return 1; }
	npx --no-install husky >/dev/null || { fail "husky did not set itself up"; return 1; }
	[ "$(git config core.hooksPath)" = ".husky/_" ] || { fail "husky did not set core.hooksPath"; return 1; }
	printf 'echo husky-pre-commit-ran\n' >.husky/pre-commit
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add package.json .gitignore .husky/pre-commit users.js
}

test_husky_blocks_leak_and_uninstall_restores() {
	husky_repo || return 1
	local before; before=$(cat .husky/pre-commit)
	"$PGLEAK_BIN" install --husky >/dev/null || { fail "install --husky failed"; return 1; }
	local once; once=$(cat .husky/pre-commit)
	"$PGLEAK_BIN" install --husky >/dev/null || return 1
	assert_eq "$(cat .husky/pre-commit)" "$once" || return 1
	git add .husky/pre-commit
	commit_ok || return 1
	assert_contains "$OUT" "husky-pre-commit-ran" || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser" || return 1
	"$PGLEAK_BIN" uninstall >/dev/null || return 1
	assert_eq "$(cat .husky/pre-commit)" "$before" || return 1
	commit_ok
}

# A merge without conflicts runs pre-merge-commit, which husky runs from
# .husky/pre-merge-commit: install --husky writes it too, so a branch that
# brings a leak is stopped at the merge; uninstall removes the file it made.
test_husky_merge_of_a_leaking_branch_blocked() {
	husky_repo || return 1
	"$PGLEAK_BIN" install --husky >/dev/null || { fail "install --husky failed"; return 1; }
	[ -f .husky/pre-merge-commit ] || { fail "no .husky/pre-merge-commit"; return 1; }
	git add .husky && git commit -q -m base || { fail "the base commit was blocked"; return 1; }
	local main; main=$(git symbolic-ref --short HEAD)
	git checkout -q -b leaky || return 1
	{ js_pool_header; js_leaky_fn theirLeak; } >theirs.js && git add theirs.js
	git commit -q --no-verify -m "their leak" || return 1
	git checkout -q "$main" && printf '// ours\n' >>users.js && git commit -q -am ours || return 1
	local before out rc
	before=$(git rev-parse HEAD)
	out=$(git merge --no-edit leaky 2>&1); rc=$?
	[ $rc -ne 0 ] || { fail "husky let the merge of a leaking branch through: $out"; return 1; }
	assert_contains "$out" "theirs.js:" || return 1
	assert_eq "$(git rev-parse HEAD)" "$before" || return 1
	git merge --abort || return 1
	"$PGLEAK_BIN" uninstall >/dev/null || return 1
	[ ! -e .husky/pre-merge-commit ] || { fail "uninstall left .husky/pre-merge-commit"; return 1; }
	git merge -q --no-edit leaky || fail "the merge was still checked after uninstall"
}

# A teammate who clones and runs `npm install` without the package: the
# husky line blocks with one line saying what to run, PGLEAK_SKIP=1 lets the
# commit through, and once node_modules/.bin has the binary it checks.
test_husky_teammate_without_binary() {
	husky_repo || return 1
	cp "$PGLEAK_BIN" ../pgleak-copy
	../pgleak-copy install --husky >/dev/null 2>&1 || { fail "install --husky failed"; return 1; }
	rm ../pgleak-copy
	git add .husky/pre-commit
	local out rc; out=$(git commit -q -m x 2>&1); rc=$?
	[ $rc -ne 0 ] || { fail "commit allowed with the binary missing"; return 1; }
	assert_contains "$out" "npm install" || return 1
	PGLEAK_SKIP=1 commit_ok || return 1
	assert_contains "$OUT" "PGLEAK_SKIP=1" || return 1
	cp "$PGLEAK_BIN" node_modules/.bin/pgleak-hook
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked
}

run_tests
