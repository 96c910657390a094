#!/usr/bin/env bash
# tests/cache_engine.sh - the cache as the engine uses it, through the real
# binary: what is reused, what is analysed again, what invalidates.
source "$(dirname "$0")/lib.sh"

# stats FIELD FILE: one figure of the JSON report's stats
stat_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[2]))["stats"][sys.argv[1]])' "$1" "$2"
}

findings_of() {
	python3 -c 'import json,sys; print(json.dumps([(f["path"], f["line"], f["kind"], f["exit"]) for f in json.load(open(sys.argv[1]))["findings"]]))' "$1"
}

setup_tree() {
	mkdir -p src
	cp "$ROOT"/tests/cases/{acquisition-in-expressions-0[1-4].js,helpers-06.ts,typed-pools-09.ts} src/
	# a class whose method leaks when its query throws (the moved-function test moves it down)
	cat >src/orders.ts <<'EOF'
import { Pool } from 'pg';

export class Orders {
  constructor(private pool: Pool) {}

  async total(id: number) {
    const client = await this.pool.connect();
    const r = await client.query('SELECT total FROM orders WHERE id = $1', [id]);
    client.release();
    return r.rows[0];
  }

  async safe(id: number) {
    const client = await this.pool.connect();
    try {
      return await client.query('SELECT 1', [id]);
    } finally {
      client.release();
    }
  }
}
EOF
	cat >src/helpers.js <<'EOF'
import { Pool } from 'pg';
const pool = new Pool();

function giveBack(client) {
  client.release();
}

export async function usesHelper() {
  const client = await pool.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    giveBack(client);
  }
}

export async function unrelated() {
  const client = await pool.connect();
  try {
    await client.query('SELECT 2');
  } finally {
    client.release();
  }
}
EOF
	export PGLEAK_CACHE_DIR=$PWD/cache
}

check_json() {
	"$PGLEAK_BIN" check --format json src >"$1" 2>/dev/null
	local rc=$?
	[ $rc -le 1 ] || fail "check exited $rc"
}

test_second_run_analyses_nothing() {
	setup_tree
	check_json cold.json || return 1
	check_json warm.json || return 1
	[ "$(stat_of analyzed cold.json)" -gt 0 ] || fail "the cold run analysed nothing" || return 1
	assert_eq "$(stat_of analyzed warm.json)" 0 || return 1
	assert_eq "$(stat_of cached warm.json)" "$(stat_of functions warm.json)" || return 1
	assert_eq "$(findings_of warm.json)" "$(findings_of cold.json)"
}

test_editing_one_function_reanalyses_only_it() {
	setup_tree
	check_json cold.json || return 1
	# change the body of one function that checks a client out
	sed -i "s/SELECT 2/SELECT 22/" src/helpers.js
	check_json edit.json || return 1
	assert_eq "$(stat_of analyzed edit.json)" 1 || return 1
	assert_eq "$(findings_of edit.json)" "$(findings_of cold.json)"
}

test_changed_helper_reanalyses_its_caller() {
	setup_tree
	check_json cold.json || return 1
	assert_not_contains "$(findings_of cold.json)" "helpers.js" || return 1
	# the helper stops releasing: its unchanged caller now leaks, and only it is redone
	sed -i 's/^  client.release();$/  client.query("SELECT 3");/' src/helpers.js
	check_json edit.json || return 1
	assert_eq "$(stat_of analyzed edit.json)" 1 || return 1
	assert_contains "$(findings_of edit.json)" '"src/helpers.js", 9, "never-released"'
}

test_moved_function_is_reused_at_its_new_line() {
	setup_tree
	check_json cold.json || return 1
	assert_contains "$(findings_of cold.json)" '"src/orders.ts", 7, "release-not-guaranteed", {"via": "exception", "line": 8}' || return 1
	sed -i '1i // two new lines at the top\n// move every function down' src/orders.ts
	check_json moved.json || return 1
	assert_eq "$(stat_of analyzed moved.json)" 0 || return 1
	assert_contains "$(findings_of moved.json)" '"src/orders.ts", 9, "release-not-guaranteed", {"via": "exception", "line": 10}' || return 1
	# the same as an uncached run
	PGLEAK_CACHE_DIR=$PWD/fresh "$PGLEAK_BIN" check --format json src >fresh.json 2>/dev/null
	assert_eq "$(findings_of moved.json)" "$(findings_of fresh.json)"
}

# same_file_helper_case NAME V1 V2: the file NAME written as V1 (safe) is checked with the
# cache, then as V2 (leaking): the warm run must find what a run without the cache finds.
# Each case is a helper of the same file that the analysis consults and the unit's key must
# take: reached through an object literal, through nested objects and an alias, or the
# class's own connect called on `self`.
same_file_helper_case() {
	export PGLEAK_CACHE_DIR=$PWD/cache
	printf '%s\n' "$2" >"$1"
	check_one() { "$PGLEAK_BIN" check --format json "$1" >"$2" 2>/dev/null; [ $? -le 1 ] || fail "check exited >1"; }
	check_one "$1" v1.json || return 1
	assert_eq "$(findings_of v1.json)" "[]" || return 1
	printf '%s\n' "$3" >"$1"
	check_one "$1" warm.json || return 1
	PGLEAK_CACHE_DIR=$PWD/fresh check_one "$1" fresh.json || return 1
	[ "$(findings_of fresh.json)" != "[]" ] || fail "the leaking version has no finding even without the cache" || return 1
	assert_eq "$(findings_of warm.json)" "$(findings_of fresh.json)"
}

test_object_literal_helper_change_is_seen_through_the_cache() {
	local head="const { Pool } = require('pg');
const pool = new Pool();"
	local user="async function f() {
  const c = await pool.connect();
  try {
    await c.query('SELECT 1');
  } finally {
    api.done(c);
  }
}
module.exports = { f };"
	same_file_helper_case a.js "$head
const api = {
  done(c) {
    c.release();
  },
};
$user" "$head
const api = {
  done(c) {
    c.query('SELECT 2');
  },
};
$user"
}

test_nested_object_helper_change_is_seen_through_the_cache() {
	local head="const { Pool } = require('pg');
const pool = new Pool();"
	local user="const helpers = { db };
async function f() {
  const c = await pool.connect();
  try {
    await c.query('SELECT 1');
  } finally {
    helpers.db.done(c);
  }
}
module.exports = { f };"
	same_file_helper_case b.js "$head
const db = { done(c) { c.release(); } };
$user" "$head
const db = { done(c) { c.query('SELECT 2'); } };
$user"
}

test_own_connect_on_self_change_is_seen_through_the_cache() {
	local head="import { Pool } from 'pg';
const pool = new Pool();
export class Runner {"
	local user="  async run() {
    const self = this;
    const c = await self.connect();
    await c.query('SELECT 1');
  }
}"
	same_file_helper_case c.ts "$head
  async connect() {
    this.client = await pool.connect();
    return this.client;
  }
$user" "$head
  async connect() {
    return pool.connect();
  }
$user"
}

test_changed_import_invalidates_importer() {
	setup_tree
	mkdir -p src/x
	cat >src/x/db.js <<'EOF'
import { Pool } from 'undici';
export const pool = new Pool('http://proxy');
EOF
	cat >src/x/use.js <<'EOF'
import { pool } from './db.js';
export async function ping() {
  await pool.connect();
}
EOF
	check_json a.json || return 1
	assert_not_contains "$(findings_of a.json)" "src/x/use.js" || return 1
	# db.js now exports a pg pool: use.js did not change, its result must
	sed -i "s/'undici'/'pg'/" src/x/db.js
	check_json b.json || return 1
	assert_contains "$(findings_of b.json)" '"src/x/use.js", 3, "discarded"'
}

test_config_change_invalidates() {
	setup_tree
	check_json cold.json || return 1
	echo '{ "acquire": ["checkout"] }' >.pgleak.json
	"$PGLEAK_BIN" check --config .pgleak.json --format json src >cfg.json 2>/dev/null
	[ "$(stat_of analyzed cfg.json)" -gt 0 ] || fail "a new configuration reused old results"
}

test_new_binary_version_invalidates() {
	setup_tree
	check_json cold.json || return 1
	# a copy of the binary whose version string differs: results of the old one must not be reused
	python3 - "$PGLEAK_BIN" newbin <<'PY' || return 1
import sys
import subprocess
data = open(sys.argv[1], 'rb').read()
ver = subprocess.run([sys.argv[1], '--version'], capture_output=True, text=True).stdout.split()[-1].encode()
patched = ver[:-1] + (b'9' if ver[-1:] != b'9' else b'8')
n = data.count(b'\0' + ver + b'\0')
if n == 0:
    sys.exit("version string not found in the binary")
open(sys.argv[2], 'wb').write(data.replace(b'\0' + ver + b'\0', b'\0' + patched + b'\0'))
PY
	chmod +x newbin
	./newbin --version | grep -qv "$("$PGLEAK_BIN" --version)" || fail "the patched binary reports the same version" || return 1
	./newbin check --format json src >new.json 2>/dev/null
	[ "$(stat_of analyzed new.json)" -gt 0 ] || fail "a new binary reused the old binary's results" || return 1
	assert_eq "$(findings_of new.json)" "$(findings_of cold.json)"
}

test_garbage_cache_gives_right_findings() {
	setup_tree
	check_json cold.json || return 1
	for f in cache/*; do
		[ -f "$f" ] && [ -s "$f" ] && head -c "$(stat -c %s "$f")" /dev/urandom >"$f"
	done
	check_json again.json || return 1
	assert_eq "$(findings_of again.json)" "$(findings_of cold.json)"
}

test_unusable_cache_dir_runs_without_it() {
	setup_tree
	export PGLEAK_CACHE_DIR=/dev/null/cache
	local err
	err=$("$PGLEAK_BIN" check --format json src 2>&1 >out.json)
	[ $? -le 1 ] || fail "check failed without a cache" || return 1
	assert_contains "$err" "running without the cache" || return 1
	assert_eq "$(echo "$err" | grep -c 'without the cache')" 1
}

test_unchanged_fingerprint_is_trusted_changed_one_is_not() {
	setup_tree
	# files older than the racy window: their size, times and inode are recorded
	find src -type f -exec touch -d '1 hour ago' {} +
	sleep 3
	check_json a.json || return 1
	check_json b.json || return 1
	assert_eq "$(findings_of b.json)" "$(findings_of a.json)" || return 1
	# same size, same modification time, other bytes: a leak appears
	cp src/helpers.js ref.js
	sed -i 's/    client.release();/    client.query(1);;/' src/helpers.js
	[ "$(stat -c %s src/helpers.js)" = "$(stat -c %s ref.js)" ] || fail "the edit changed the size" || return 1
	touch -r ref.js src/helpers.js
	check_json c.json || return 1
	assert_contains "$(findings_of c.json)" '"src/helpers.js", 18, "never-released"'
}

run_tests
