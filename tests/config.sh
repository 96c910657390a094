#!/usr/bin/env bash
# tests/config.sh - `.pgleak.json` as `check` sees it: found at the root of
# the git work tree (also from a subfolder), or given with --config; bad
# files stop with exit 2 and a message naming file, line and key; the
# "ignore" globs (relative to the configuration's folder), "acquire",
# "release" and "maxFileBytes" change what is checked.
source "$(dirname "$0")/lib.sh"

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

# leak FILE [METHOD]: a client checked out with pool.METHOD() (default connect) and never released.
leak() { leaky_js "$1" load "${2:-connect}"; }

# found [ARGS...]: the sorted paths that `check --format json ARGS` reports, space-separated.
found() {
	"$PGLEAK_BIN" check --format json "$@" 2>err.txt |
		python3 -c 'import json,sys; print(" ".join(sorted(f["path"] for f in json.load(sys.stdin)["findings"])))'
}

test_malformed_json_is_exit_2_with_position() {
	local err
	git init -q .
	leak a.js
	printf '{\n  "ignore": ["dist",]\n}\n' >.pgleak.json
	err=$("$PGLEAK_BIN" check a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" ".pgleak.json:2:21:" || return 1
}

test_unknown_key_is_exit_2_naming_it() {
	local err
	git init -q .
	leak a.js
	printf '{\n  "pools": ["db"],\n  "ignores": ["dist"]\n}\n' >.pgleak.json
	err=$("$PGLEAK_BIN" check a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" ".pgleak.json:3:3:" || return 1
	assert_contains "$err" 'unknown key "ignores"' || return 1
	assert_contains "$err" 'did you mean "ignore"'
}

test_wrong_type_is_exit_2_naming_the_key() {
	local err
	git init -q .
	leak a.js
	printf '{"maxFileBytes": "2MB"}' >.pgleak.json
	err=$("$PGLEAK_BIN" check a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" ".pgleak.json:1:18:" || return 1
	assert_contains "$err" '"maxFileBytes" must be a number' || return 1
	printf '{"ignore": "dist"}' >.pgleak.json
	err=$("$PGLEAK_BIN" check a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" '"ignore" must be an array of strings, not a string'
}

test_config_found_at_worktree_root_from_a_subfolder() {
	git init -q .
	leak src/a.js
	leak src/gen/b.js
	leak legacy/old.js
	printf '{"ignore": ["gen", "legacy/old.js"]}\n' >.pgleak.json
	assert_eq "$(found .)" "src/a.js" || return 1
	# From a subfolder the globs are still relative to the root.
	assert_eq "$(cd src && found .)" "a.js" || return 1
	assert_eq "$(cd legacy && found old.js)" "" || return 1
	# A broken configuration is found from a subfolder too.
	echo '{' >.pgleak.json
	(cd src && "$PGLEAK_BIN" check a.js >/dev/null 2>&1); [ $? = 2 ] || fail "broken config not found from a subfolder"
}

test_config_outside_a_repository_is_not_read() {
	leak a.js
	echo 'not json' >.pgleak.json
	assert_eq "$(found a.js)" "a.js"
}

test_explicit_config() {
	local err
	leak a.js
	leak b.js
	printf '{"ignore": ["b.js"]}' >my.json
	assert_eq "$(found --config my.json a.js b.js)" "a.js" || return 1
	assert_eq "$(found --config=my.json a.js b.js)" "a.js" || return 1
	err=$("$PGLEAK_BIN" check --config nope.json a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "missing --config: expected 2" || return 1
	assert_contains "$err" "nope.json" || return 1
	printf '{"ignore": [1]}' >bad.json
	err=$("$PGLEAK_BIN" check --config bad.json a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "bad --config: expected 2" || return 1
	assert_contains "$err" "bad.json:1:13:"
}

test_ignore_globs() {
	git init -q .
	leak src/a.js
	leak src/a.test.js
	leak src/deep/x/fixtures/f.js
	leak dist/bundle.js
	leak packages/web/dist/w.js
	leak lib/one.js
	leak lib/sub/two.js
	printf '%s\n' '{"ignore": ["*.test.js", "**/fixtures/**", "dist/", "lib/*.js"]}' >.pgleak.json
	assert_eq "$(found .)" "lib/sub/two.js src/a.js"
}

test_acquire_and_release_names() {
	leak a.js checkout
	cat >b.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();

async function load(id) {
  const client = await pool.connect();
  try {
    return (await client.query('SELECT 1 WHERE $1', [id])).rows;
  } finally {
    client.giveBack();
  }
}
EOF
	assert_eq "$(found a.js b.js)" "b.js" || return 1
	printf '{"acquire": ["checkout"], "release": ["giveBack"]}' >c.json
	assert_eq "$(found --config c.json a.js b.js)" "a.js"
}

test_max_file_bytes_skips_with_a_notice() {
	leak a.js
	printf '{"maxFileBytes": 50}' >c.json
	assert_eq "$(found --config c.json a.js)" "" || return 1
	assert_contains "$(cat err.txt)" "a.js" || return 1
	printf '{"maxFileBytes": 100000}' >c.json
	assert_eq "$(found --config c.json a.js)" "a.js"
}

run_tests
