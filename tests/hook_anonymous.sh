#!/usr/bin/env bash
# tests/hook_anonymous.sh - anonymous functions keep their identity across a commit
# (semantics v2 item 10): a function passed to a call is named by the call and its literal
# arguments (module.c), and diff/compare.c pairs functions that share a name only when it
# can tell which is which, so a leak never takes over the name of another function's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# handler ROUTE [leaky]: an Express-style handler for ROUTE, leaking with "leaky".
handler() {
	if [ "${2:-}" = leaky ]; then
		printf "app.get('%s', async (req, res) => {\n  const client = await pool.connect();\n  res.json((await client.query('SELECT %s')).rows);\n});\n" "$1" "$1"
	else
		printf "app.get('%s', async (req, res) => {\n  const client = await pool.connect();\n  try {\n    res.json((await client.query('SELECT %s')).rows);\n  } finally {\n    client.release();\n  }\n});\n" "$1" "$1"
	fi
}
header() { printf "const { Pool } = require('pg');\nconst pool = new Pool();\nconst app = require('express')();\n"; }

# A leaky handler for /a (committed past the hook) and a safe one for /b.
old_leak_repo() {
	new_repo || return 1
	{ header; handler /a leaky; handler /b; } >routes.js
	git add routes.js && git commit -q --no-verify -m "old leak in /a" || return 1
}

# The issue's case: /a deleted, /b broken in the same commit: /b's leak is new.
test_deleting_one_handler_and_breaking_another_blocks() {
	old_leak_repo || return 1
	{ header; handler /b leaky; } >routes.js && git add routes.js
	commit_blocked || return 1
	assert_contains "$OUT" "app.get('/b')"
}

# A handler added in front does not rename the old leaking one: nothing is introduced.
test_handler_added_before_keeps_an_old_leak_old() {
	old_leak_repo || return 1
	{ header; handler /new; handler /a leaky; handler /b; } >routes.js && git add routes.js
	commit_ok || return 1
	assert_not_contains "$OUT" "introduced" || return 1
	# ...and a new leak among them is still new
	{ header; handler /new; handler /a leaky; handler /b; handler /c leaky; } >routes.js && git add routes.js
	commit_blocked || return 1
	assert_contains "$OUT" "app.get('/c')"
}

# The same place written with other quotes is the same function.
test_quotes_do_not_change_the_identity() {
	old_leak_repo || return 1
	{ header; handler /a leaky | sed "s#'/a'#\"/a\"#"; handler /b; } >routes.js && git add routes.js
	commit_ok || return 1
	assert_not_contains "$OUT" "error:"
}

# Twins: two handlers on the same route share one name (ranked), told apart by their queries.
# Deleting the leaky one and breaking the other blocks; editing the leaky one in place warns.
test_twins_deleting_one_and_breaking_the_other_blocks() {
	new_repo || return 1
	{ header; handler /a leaky; handler /a | sed 's/SELECT \/a/SELECT twin/'; } >routes.js
	git add routes.js && git commit -q --no-verify -m "twins" || return 1
	{ header; handler /a leaky | sed 's/SELECT \/a/SELECT twin/'; } >routes.js && git add routes.js
	commit_blocked || return 1
	assert_contains "$OUT" "app.get('/a')" || return 1
	git reset -q --hard || return 1
	sed -i '0,/SELECT \/a/s//SELECT \/a2/' routes.js && git add routes.js
	commit_ok || return 1
	assert_contains "$OUT" "warning" || return 1
	assert_not_contains "$OUT" "introduced"
}

# A third twin is new code, though the other two keep their leaks and their ranks.
test_new_twin_blocks() {
	new_repo || return 1
	{ header; handler /a; handler /a leaky; } >routes.js
	git add routes.js && git commit -q --no-verify -m "twins" || return 1
	{ header; handler /a; handler /a leaky; handler /a leaky | sed 's/SELECT \/a/SELECT third/'; } >routes.js
	git add routes.js
	commit_blocked || return 1
	assert_contains "$OUT" "app.get('/a')#3"
}

run_tests
