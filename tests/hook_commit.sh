#!/usr/bin/env bash
# tests/hook_commit.sh - the installed hook judging real `git commit`s
# (issue 3, "Done when" items 1 to 7 and 9).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# 1. a new leaking function is blocked and HEAD does not move; the fixed version commits.
test_new_leak_blocked_then_fix_commits() {
	new_repo || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "users.js:" || return 1
	assert_contains "$OUT" "addUser" || return 1
	{ js_pool_header; js_safe_fn listUsers; js_safe_fn addUser; } >users.js && git add users.js
	commit_ok
}

# 2a. an unrelated edit in a file whose other function already leaks is allowed, silently.
test_unrelated_edit_in_leaky_file_allowed() {
	new_repo || return 1
	{ js_pool_header; js_safe_fn listUsers; js_leaky_fn oldLeak; } >users.js
	git add users.js && git commit -q --no-verify -m "old leak" || return 1
	sed -i 's/SELECT 1/SELECT 11/' users.js && git add users.js
	commit_ok || return 1
	assert_not_contains "$OUT" "oldLeak"
}

# 2b. an edit inside a function that already leaks: allowed with a warning, blocked with --strict.
test_edit_in_leaky_function_warns_strict_blocks() {
	new_repo || return 1
	{ js_pool_header; js_safe_fn listUsers; js_leaky_fn oldLeak; } >users.js
	git add users.js && git commit -q --no-verify -m "old leak" || return 1
	sed -i 's/SELECT 2/SELECT 22/' users.js && git add users.js
	local out rc
	out=$("$PGLEAK_BIN" run --strict 2>&1); rc=$?
	[ $rc -eq 1 ] || { fail "run --strict: expected exit 1, got $rc: $out"; return 1; }
	assert_contains "$out" "oldLeak" || return 1
	commit_ok || return 1
	assert_contains "$OUT" "oldLeak" || return 1
	assert_contains "$OUT" "warning"
}

# 3. deleting only the client.release() line of a finally is blocked.
test_deleting_release_line_blocked() {
	new_repo || return 1
	grep -q 'client.release();' users.js || return 1
	sed -i '/client.release();/d' users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "listUsers"
}

# 4a. partial staging: a safe index with a leaking work tree is allowed.
test_partial_safe_index_leaky_worktree_allowed() {
	new_repo || return 1
	js_safe_fn addUser >>users.js && git add users.js
	js_leaky_fn notStaged >>users.js
	commit_ok || return 1
	git diff --quiet || return 0
	fail "the work tree's leak should still be unstaged"
}

# 4b. partial staging: a leaking index with the fix only in the work tree is blocked.
test_partial_leaky_index_fixed_worktree_blocked() {
	new_repo || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	{ js_pool_header; js_safe_fn listUsers; js_safe_fn addUser; } >users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser"
}

# 4c. the same with `git add -p`, answering its questions.
test_partial_add_p_blocked() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn addUser; js_safe_fn listUsers; js_safe_fn other; } >users.js
	printf 'y\nn\nq\n' | git add -p users.js >/dev/null 2>&1
	git diff --cached --quiet && { fail "git add -p staged nothing"; return 1; }
	git diff --quiet && { fail "git add -p staged everything"; return 1; }
	commit_blocked || return 1
	assert_contains "$OUT" "addUser"
}

# 5a. `git commit -a` with the leak only in the work tree's tracked changes is blocked.
test_commit_a_blocked() {
	new_repo || return 1
	js_leaky_fn addUser >>users.js
	commit_blocked -a || return 1
	assert_contains "$OUT" "addUser"
}

# 5b. `git commit <path>` likewise (git hands the hook a next-index-*.lock).
test_commit_path_blocked() {
	new_repo || return 1
	printf 'notes\n' >notes.txt && git add notes.txt
	js_leaky_fn addUser >>users.js
	commit_blocked users.js || return 1
	assert_contains "$OUT" "addUser" || return 1
	commit_ok notes.txt
}

# 5c. `git --work-tree=. commit` and `git --git-dir=... --work-tree=...` from a subfolder (GIT_DIR set for the hook).
test_commit_with_explicit_git_dir_blocked() {
	new_repo || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	local before; before=$(head_id)
	local out
	out=$(git --work-tree=. commit -q -m x 2>&1) && { fail "git --work-tree=. commit was allowed"; return 1; }
	assert_contains "$out" "1 leak introduced" || return 1
	mkdir sub && cd sub || return 1
	out=$(git --git-dir=../.git --work-tree=.. commit -q -m y 2>&1) && { fail "git --git-dir commit was allowed"; return 1; }
	assert_contains "$out" "1 leak introduced" || return 1
	assert_eq "$(head_id)" "$before"
}

# 6a. the first commit of a repository carrying a leak is blocked.
test_first_commit_blocked() {
	git init -q repo && cd repo || return 1
	"$PGLEAK_BIN" install >/dev/null || return 1
	{ js_pool_header; js_leaky_fn addUser; } >users.js && git add users.js
	commit_blocked || return 1
	assert_eq "$(head_id)" none || return 1
	{ js_pool_header; js_safe_fn addUser; } >users.js && git add users.js
	commit_ok
}

# 6b. renaming a leaking file without change, and deleting it, are allowed.
test_rename_and_delete_leaky_file_allowed() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn oldLeak; } >legacy.js && git add legacy.js
	git commit -q --no-verify -m "old leak" || return 1
	git mv legacy.js renamed.js
	commit_ok || return 1
	assert_not_contains "$OUT" "oldLeak" || return 1
	git rm -q renamed.js
	commit_ok
}

# 6c. a rename with a small unrelated change keeps the old leak matched (not introduced).
test_rename_with_change_not_introduced() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn oldLeak; js_safe_fn a; js_safe_fn b; } >legacy.js && git add legacy.js
	git commit -q --no-verify -m "old leak" || return 1
	git mv legacy.js src.js && sed -i 's/SELECT 1/SELECT 3/' src.js && git add src.js
	commit_ok || return 1
	assert_not_contains "$OUT" "oldLeak"
}

# 7a. .ts and .tsx leaks are blocked.
test_ts_and_tsx_blocked() {
	new_repo || return 1
	{ js_pool_header; printf '\nexport async function byId(id: number): Promise<unknown> {\n  const client = await pool.connect();\n  return client.query("SELECT 1", [id]);\n}\n'; } >repo.ts
	git add repo.ts
	commit_blocked || return 1
	assert_contains "$OUT" "repo.ts" || return 1
	git rm -q --cached repo.ts && rm repo.ts
	{ js_pool_header; printf '\nexport default async function Page(): Promise<JSX.Element> {\n  const client = await pool.connect();\n  const r = await client.query("SELECT 1");\n  return <ul>{r.rows.map((x: { id: number }) => <li key={x.id}>{x.id}</li>)}</ul>;\n}\n'; } >page.tsx
	git add page.tsx
	commit_blocked || return 1
	assert_contains "$OUT" "page.tsx"
}

# 7b. non-JS changes, binary .js files and syntax errors never crash and never block.
test_non_js_binary_and_syntax_errors_allowed() {
	new_repo || return 1
	{ printf '# notes\n'; js_leaky_fn notCode; } >README.md && git add README.md
	commit_ok || return 1
	# a .js with NUL bytes is a source like any other since issue 11 (tests/hook_source.sh)
	printf 'export async function broken( {{{ [[\n  const rows = await fetchRows(\n' >broken.js && git add broken.js
	commit_ok || return 1
	printf 'export const x: = ;\n' >broken.ts && git add broken.ts
	commit_ok
}

# 9a. a pool imported from a committed db.js: the index's db.js is what counts (the work tree's is gone).
test_pool_from_committed_db_js() {
	new_repo || return 1
	printf "import { Pool } from 'pg';\n\nexport const pool = new Pool();\n" >db.js
	git add db.js && git commit -q -m db || return 1
	rm db.js
	printf "import { pool } from './db.js';\n\nexport async function orders(id) {\n  const c = await pool.connect();\n  const r = await c.query('SELECT 1', [id]);\n  return r.rows;\n}\n" >orders.js
	git add orders.js
	commit_blocked || return 1
	assert_contains "$OUT" "orders.js"
}

# 9b. a same-file helper that stops releasing blocks its unchanged caller.
test_changed_helper_blocks_unchanged_caller() {
	new_repo || return 1
	cat >jobs.js <<'JS'
import { Pool } from 'pg';

const pool = new Pool();

function finish(client) {
  client.release();
}

export async function runJob(id) {
  const client = await pool.connect();
  try {
    await client.query('SELECT 1', [id]);
  } finally {
    finish(client);
  }
}
JS
	git add jobs.js && git commit -q -m jobs || return 1
	sed -i 's/  client.release();/  console.log(client.processID);/' jobs.js && git add jobs.js
	commit_blocked || return 1
	assert_contains "$OUT" "runJob"
}

# 9c. a release helper in another module that stops releasing blocks the unchanged importer.
test_changed_module_helper_blocks_importer() {
	new_repo || return 1
	printf "export function done(client) {\n  client.release();\n}\n" >release.js
	cat >jobs.js <<'JS'
import { Pool } from 'pg';
import { done } from './release.js';

const pool = new Pool();

export async function runJob(id) {
  const client = await pool.connect();
  try {
    await client.query('SELECT 1', [id]);
  } finally {
    done(client);
  }
}
JS
	git add release.js jobs.js && git commit -q -m jobs || return 1
	printf "export function done(client) {\n  console.log(client.processID);\n}\n" >release.js && git add release.js
	commit_blocked || return 1
	assert_contains "$OUT" "jobs.js"
}

# Concluding a merge that had conflicts (pre-commit): judged over the first parent, as
# pre-merge-commit judges a merge without conflicts (hook_install.sh), so a leak that the
# merged branch brings blocks it the same way; --no-verify is the bypass, as for any commit.
test_conflicted_merge_judged_over_the_first_parent() {
	new_repo || return 1
	printf 'one\n' >notes.txt && git add notes.txt && git commit -q -m notes || return 1
	git checkout -q -b other || return 1
	{ js_pool_header; js_leaky_fn theirLeak; } >theirs.js && printf 'theirs\n' >notes.txt
	git add theirs.js notes.txt && git commit -q --no-verify -m "their leak" || return 1
	git checkout -q main && printf 'ours\n' >notes.txt && git commit -q -am ours || return 1
	git merge -q other >/dev/null 2>&1 && { fail "expected a conflict in notes.txt"; return 1; }
	printf 'both\n' >notes.txt && git add notes.txt
	commit_blocked --no-edit || return 1
	assert_contains "$OUT" "theirs.js:6:" || return 1
	assert_contains "$OUT" "theirLeak" || return 1
	git commit -q --no-verify --no-edit || { fail "the bypass did not conclude the merge"; return 1; }
	assert_eq "$(git rev-list --parents -n 1 HEAD | wc -w)" 3
}

# Lines that end in a lone CR (old Mac style) are lines: findings, their code frame and the
# warnings of touched functions carry the line numbers an editor shows, though git sees one line.
test_lone_cr_line_ends() {
	new_repo || return 1
	{ js_pool_header; js_safe_fn listUsers; js_leaky_fn oldLeak; } | tr '\n' '\r' >cr.js
	git add cr.js && git commit -q --no-verify -m "old leak, CR line ends" || return 1
	js_leaky_fn newLeak | tr '\n' '\r' >>cr.js && git add cr.js
	commit_blocked || return 1
	assert_contains "$OUT" "cr.js:20:" || return 1
	assert_contains "$OUT" " 20 |   const client = await pool.connect();" || return 1
	assert_not_contains "$OUT" "cr.js:1:" || return 1
	# an edit inside the old leaking function: a warning at its own line
	git checkout -q HEAD -- cr.js && sed -i 's/SELECT 2/SELECT 22/' cr.js && git add cr.js
	commit_ok || return 1
	assert_contains "$OUT" "cr.js:15:" || return 1
	assert_contains "$OUT" "warning"
}

# Which committed files the hook judges: a dependency committed under node_modules (at any
# depth, the folder named exactly so) is not the project's code; a committed dot-folder is
# (`check` skips dot-folders when it walks a tree, the hook judges what is committed).
test_committed_node_modules_skipped_dot_folders_judged() {
	new_repo || return 1
	mkdir -p node_modules/dep web/node_modules/dep my_node_modules .github/scripts
	{ js_pool_header; js_leaky_fn vendored; } >node_modules/dep/index.js
	cp node_modules/dep/index.js web/node_modules/dep/index.js
	git add -f node_modules web/node_modules || return 1
	commit_ok || return 1
	{ js_pool_header; js_leaky_fn notVendored; } >my_node_modules/index.js && git add my_node_modules
	commit_blocked || return 1
	assert_contains "$OUT" "my_node_modules/index.js:" || return 1
	git reset -q my_node_modules
	{ js_pool_header; js_leaky_fn script; } >.github/scripts/seed.js && git add .github
	commit_blocked || return 1
	assert_contains "$OUT" ".github/scripts/seed.js:"
}

run_tests
