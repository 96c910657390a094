#!/usr/bin/env bash
# tests/hook_deps.sh - the importers of a changed module (diff/deps.c): found
# on a warm run from the cached scan of each blob, without reading unchanged
# blobs; only importers that name an acquire method are checked.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

stats_files() { # FILE: "files" of the stats object of a json report
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["files"])' "$1"
}

# release.js (a release helper) and jobs.js, which imports it and checks a client out.
helper_and_importer() { # ACQUIRE_METHOD
	printf "export function done(client) {\n  client.release();\n}\n" >release.js
	cat >jobs.js <<JS
import { Pool } from 'pg';
import { done } from './release.js';

const pool = new Pool();

export async function runJob(id) {
  const client = await pool.$1();
  try {
    await client.query('SELECT 1', [id]);
  } finally {
    done(client);
  }
}
JS
}
break_helper() {
	printf "export function done(client) {\n  console.log(client.processID);\n}\n" >release.js && git add release.js
}

# The path of the loose object of the blob at PATH in HEAD.
loose_object() {
	local id
	id=$(git rev-parse "HEAD:$1") || return 1
	printf '.git/objects/%s/%s' "${id:0:2}" "${id:2}"
}

test_warm_run_reads_no_unchanged_blob() {
	git init -q repo && cd repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	helper_and_importer connect
	printf "export const other = 1;\n" >other.js
	git add . && git commit -q -m init || return 1
	break_helper
	"$PGLEAK_BIN" run >out1 2>&1; assert_eq "$?" 1 || { cat out1; return 1; }
	assert_contains "$(cat out1)" "jobs.js" || return 1
	# Damage the stored blob of other.js, an unchanged file: a run that reads it fails.
	local f
	f=$(loose_object other.js) && [ -f "$f" ] || fail "no loose object for other.js" || return 1
	chmod u+w "$f" && printf 'garbage' >"$f" || return 1
	"$PGLEAK_BIN" run >out2 2>&1; assert_eq "$?" 1 || { cat out2; return 1; }
	assert_contains "$(cat out2)" "jobs.js" || return 1
	# without the cache, it is read, and the damage is an error
	rm -rf "$PGLEAK_CACHE_DIR"
	"$PGLEAK_BIN" run >out3 2>&1; assert_eq "$?" 2 || { cat out3; return 1; }
}

test_importer_found_again_on_a_warm_run() {
	git init -q repo && cd repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	helper_and_importer connect
	git add . && git commit -q -m init || return 1
	break_helper
	local i
	for i in 1 2; do
		"$PGLEAK_BIN" run --format json >r$i.json 2>err$i; assert_eq "$?" 1 || { cat err$i; return 1; }
		assert_contains "$(cat r$i.json)" '"path": "jobs.js"' || return 1
	done
}

# On an empty cache the blobs are scanned by several threads (deps.c scan_blobs, from 64
# blobs on): the same files are judged as by one thread, and a blob that cannot be read
# is an error (exit 2) whichever thread meets it.
test_cold_scan_on_threads_judges_as_one_thread() {
	git init -q repo && cd repo || return 1
	helper_and_importer connect
	local i
	mkdir other
	for i in $(seq 1 150); do printf "export const v%d = %d;\n" "$i" "$i" >other/f$i.js; done
	for i in 1 2 3; do sed "s#'./release.js'#'../release.js'#" jobs.js >other/jobs$i.js; done
	git add . && git commit -q -m init || return 1
	break_helper
	for j in 1 2 4; do
		PGLEAK_JOBS=$j PGLEAK_CACHE_DIR=$PWD/../cache$j "$PGLEAK_BIN" run --format json >r$j.json 2>err$j
		assert_eq "$?" 1 || { cat err$j; return 1; }
		assert_eq "$(stats_files r$j.json)" 5 || return 1 # release.js, jobs.js, other/jobs1-3.js
	done
	cmp r1.json r4.json || return 1
	# a damaged blob of an unchanged file, with the cache empty: an error, on any number of threads
	local f
	f=$(loose_object other/f77.js) && [ -f "$f" ] || fail "no loose object for other/f77.js" || return 1
	chmod u+w "$f" && printf 'garbage' >"$f" || return 1
	for j in 1 4; do
		PGLEAK_JOBS=$j PGLEAK_CACHE_DIR=$PWD/../damaged$j "$PGLEAK_BIN" run >out$j 2>&1
		assert_eq "$?" 2 || { cat out$j; return 1; }
		assert_contains "$(cat out$j)" "cannot read the file contents $(git rev-parse HEAD:other/f77.js)" || return 1
	done
}

# The scan's record depends on the acquire names: a blob scanned under the
# default configuration is scanned again when .pgleak.json adds a method.
test_configured_acquire_name_rescans() {
	git init -q repo && cd repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	helper_and_importer checkout
	git add . && git commit -q -m init || return 1
	break_helper
	expect_exit 0 "$PGLEAK_BIN" run >/dev/null 2>&1 || return 1
	printf '{ "acquire": ["checkout"] }\n' >.pgleak.json && git add .pgleak.json
	"$PGLEAK_BIN" run >out 2>&1; assert_eq "$?" 1 || { cat out; return 1; }
	assert_contains "$(cat out)" "jobs.js"
}

# An importer without an acquire method name cannot hold a finding: not checked.
test_importer_without_acquisition_not_checked() {
	git init -q repo && cd repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	helper_and_importer connect
	printf "import { done } from './release.js';\n\nexport function close(c) {\n  done(c);\n}\n" >wrap.js
	git add . && git commit -q -m init || return 1
	break_helper
	"$PGLEAK_BIN" run --format json >r.json 2>err; assert_eq "$?" 1 || { cat err; return 1; }
	# release.js (changed) and jobs.js (an importer that checks out); not wrap.js
	assert_eq "$(stats_files r.json)" 2
}

# jobs.js takes `done` from lib/ (a barrel: lib/index.js passes lib/release.js on, written
# as $1); only lib/release.js changes, and stops releasing: the commit is blocked.
barrel_commit_blocked() { # BARREL_SOURCE [IMPORTER_SPEC]
	git init -q repo && cd repo || return 1
	"$PGLEAK_BIN" install >/dev/null || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	mkdir lib
	printf "export function done(client) {\n  client.release();\n}\n" >lib/release.js
	printf '%s\n' "$1" >lib/index.js
	printf "export * from './release.js';\n" >lib/all.js
	helper_and_importer connect
	sed -i "s#'./release.js'#'${2:-./lib/index.js}'#" jobs.js && rm release.js
	git add . && commit_ok || return 1
	printf "export function done(client) {\n  console.log(client.processID);\n}\n" >lib/release.js
	git add lib/release.js && commit_blocked || return 1
	assert_contains "$OUT" "jobs.js:7" || return 1
	# and through `diff` as CI runs it
	expect_exit 1 "$PGLEAK_BIN" diff HEAD >/dev/null 2>&1
}

test_barrel_module_exports_require() {
	barrel_commit_blocked "module.exports = require('./release');" ./lib
}

test_barrel_export_from() {
	barrel_commit_blocked "export { done } from './release.js';"
}

test_barrel_export_star() {
	barrel_commit_blocked "export * from './release.js';" ./lib
}

# Two barrels in a row (lib/index.js -> lib/all.js -> lib/release.js).
test_barrel_of_a_barrel() {
	barrel_commit_blocked "export * from './all.js';" ./lib/index.js
}

# A barrel with an imported name exported again.
test_barrel_import_then_export() {
	barrel_commit_blocked "import { done } from './release.js';
export { done };"
}

# An importer at jobs.ts that checks a client out and hands it to done() from SPEC.
importer_of() { # SPEC
	cat >jobs.ts <<TS
import { Pool } from 'pg';
import { done } from '$1';

const pool = new Pool();

export async function runJob(id: number) {
  const client = await pool.connect();
  try {
    await client.query('SELECT 1', [id]);
  } finally {
    done(client);
  }
}
TS
}
# HELPER (a path) is changed to no longer release: the run must name jobs.ts, whichever
# form of specifier SPEC is (each candidate form of analysis/resolve.c, through the stems).
helper_change_flags_importer() { # HELPER SPEC
	git init -q repo && cd repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	mkdir -p "$(dirname "$1")"
	printf "export function done(client: any) {\n  client.release();\n}\n" >"$1"
	importer_of "$2"
	printf "export const other = 1;\n" >other.ts
	git add . && git commit -q -m init || return 1
	"$PGLEAK_BIN" run >out0 2>&1; assert_eq "$?" 0 || { cat out0; return 1; }
	local round
	for round in cold warm; do
		[ "$round" = cold ] && rm -rf "$PGLEAK_CACHE_DIR"
		printf "export function done(client: any) {\n  console.log(client.processID);\n}\n" >"$1" && git add "$1"
		"$PGLEAK_BIN" run >out 2>&1; assert_eq "$?" 1 || { echo "$round"; cat out; return 1; }
		assert_contains "$(cat out)" "jobs.ts" || return 1
	done
}
test_importer_writing_js_for_ts_is_checked() { helper_change_flags_importer release.ts ./release.js; }
test_importer_without_extension_is_checked() { helper_change_flags_importer release.ts ./release; }
test_importer_of_folder_index_is_checked() { helper_change_flags_importer lib/index.ts ./lib; }
test_importer_of_parent_folder_is_checked() { helper_change_flags_importer lib/index.ts ./lib/../lib/index.ts; }
# The scan compares a relative specifier's last name with the targets' before joining it (deps.c may_name_stem):
# a trailing slash, or a last name of '..', must not hide the importer.
test_importer_of_folder_with_trailing_slash_is_checked() { helper_change_flags_importer lib/index.ts ./lib/; }
test_importer_of_folder_named_by_dotdot_is_checked() { helper_change_flags_importer lib/index.ts ./lib/sub/..; }

run_tests
