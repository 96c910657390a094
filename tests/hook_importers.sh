#!/usr/bin/env bash
# tests/hook_importers.sh - which changed files can change an importer's
# verdict, and so need the importer scan (diff/deps.c).  A helper's own
# behaviour decides what a call to it does with a client (semantics §4,
# the hand-over exception; §6: "it calls a changed helper"), and that
# behaviour can change in a file that names no acquire method, no release
# and no pool on either side: such a file cannot be left out of the scan.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# users.js hands its client to save() from helpers.js; helpers.js names no pg construct.
test_helper_without_pg_names_changes_importer() {
	new_repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	printf "import { audit } from 'audit-lib';\nexport async function save(client, x) {\n  await audit(client, x);\n}\n" >helpers.js
	printf "import { Pool } from 'pg';\nimport { save } from './helpers.js';\nconst pool = new Pool();\nexport async function addUser(x) {\n  const client = await pool.connect();\n  await save(client, x);\n}\n" >users.js
	git add -A && commit_ok || return 1
	# save() no longer hands the client on: addUser, unchanged, now leaks it
	printf "export async function save(client, x) {\n  await client.query('INSERT', [x]);\n}\n" >helpers.js
	if grep -E 'connect|release|Pool|pg' helpers.js; then fail "helpers.js names a pg construct"; return 1; fi
	git add helpers.js || return 1
	commit_blocked || return 1
	assert_contains "$OUT" "users.js:5" || return 1
	assert_contains "$OUT" "addUser"
}

run_tests
