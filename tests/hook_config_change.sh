#!/usr/bin/env bash
# tests/hook_config_change.sh - a commit that changes .pgleak.json re-checks what the change
# affects (semantics v2 item 10; diff/confdiff.c): code that did not change but leaks under
# the staged configuration, and did not under HEAD's, is introduced.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# A file whose receiver `store` is no provable pool (from a wrapper module, its client not
# used like a pg client): only a configuration naming it makes connect() an acquisition.
wrapped_pool_js() {
	cat >jobs.js <<'JS'
const store = require('./wrapper');

async function runJob(id) {
  const client = await store.connect();
  return client.send(id);
}
module.exports = { runJob };
JS
	printf "module.exports = makeDb();\n" >wrapper.js
}

test_adding_a_pool_name_blocks_unchanged_code() {
	new_repo || return 1
	wrapped_pool_js && git add jobs.js wrapper.js && commit_ok || return 1
	printf '{ "pools": ["store"] }\n' >.pgleak.json && git add .pgleak.json
	commit_blocked || return 1
	assert_contains "$OUT" "jobs.js:4:" || return 1
	# the same through diff, as CI runs it
	expect_exit 1 "$PGLEAK_BIN" diff HEAD >/dev/null 2>&1
}

test_removing_an_ignore_blocks_the_leaks_it_hid() {
	new_repo || return 1
	mkdir legacy && { js_pool_header; js_leaky_fn oldLeak; } >legacy/old.js
	printf '{ "ignore": ["legacy"] }\n' >.pgleak.json
	git add legacy .pgleak.json && commit_ok || return 1
	printf '{}\n' >.pgleak.json && git add .pgleak.json
	commit_blocked || return 1
	assert_contains "$OUT" "legacy/old.js:" || return 1
	# deleting the file too is fine: nothing is left to leak
	git rm -q legacy/old.js && commit_ok
}

# A change that changes no result blocks nothing, and old leaks are not repeated as warnings.
test_unrelated_config_change_allowed_quietly() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn oldLeak; } >old.js && git add old.js
	git commit -q --no-verify -m "old leak" || return 1
	printf '{ "maxFileBytes": 4000000, "release": ["giveBack"] }\n' >.pgleak.json && git add .pgleak.json
	commit_ok || return 1
	assert_not_contains "$OUT" "old.js" || return 1
	# and removing a pool name makes nothing new either
	printf '{ "pools": ["store"] }\n' >.pgleak.json && wrapped_pool_js && git add . && git commit -q --no-verify -m pools || return 1
	printf '{}\n' >.pgleak.json && git add .pgleak.json
	commit_ok
}

# An added ignore hides a file: nothing of it is introduced.
test_adding_an_ignore_allowed() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn oldLeak; } >old.js && git add old.js
	git commit -q --no-verify -m "old leak" || return 1
	printf '{ "ignore": ["old.js"] }\n' >.pgleak.json && git add .pgleak.json
	commit_ok
}

run_tests
