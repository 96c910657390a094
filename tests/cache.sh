#!/usr/bin/env bash
# tests/cache.sh - `pgleak-hook cache stats|clear|path|verify` with the real
# binary: where the cache lives (PGLEAK_CACHE_DIR, the common git directory
# shared by linked worktrees, GIT_DIR, XDG, HOME), the figures in text and
# JSON after real runs of `check`, clearing (also while other runs use the
# cache), damaged files, and a directory that cannot be used.
source "$(dirname "$0")/lib.sh"

json_get() { # json_get EXPR FILE: a Python expression over the parsed document d
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$2"
}

leaky_file() {
	mkdir -p src
	cat >src/a.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();
async function leaks() {
  const client = await pool.connect();
  await client.query('SELECT 1');
}
async function fine() {
  const client = await pool.connect();
  try { await client.query('SELECT 1'); } finally { client.release(); }
}
module.exports = { leaks, fine };
EOF
}

test_path_honours_env() {
	local out
	out=$(PGLEAK_CACHE_DIR=/some/where "$PGLEAK_BIN" cache path) || fail "exit $?" || return 1
	assert_eq "$out" /some/where || return 1
	PGLEAK_CACHE_DIR=/some/wh\"ere "$PGLEAK_BIN" cache path --format json >p.json || return 1
	assert_eq "$(json_get 'd["path"]' p.json)" '/some/wh"ere'
}

# A folder name that is not UTF-8 still gives valid JSON (U+FFFD in its place).
test_json_path_with_invalid_utf8() {
	local dir
	dir="$PWD/$(printf 'c\377ache')"
	PGLEAK_CACHE_DIR="$dir" "$PGLEAK_BIN" cache path --format json >p.json || return 1
	assert_eq "$(json_get 'd["path"]' p.json)" "$PWD/c$(printf '\357\277\275')ache" || return 1
	PGLEAK_CACHE_DIR="$dir" "$PGLEAK_BIN" cache stats --format json >s.json || return 1
	json_get 'd["path"]' s.json >/dev/null
}

test_path_in_repository_is_common_git_dir() {
	local want
	git init -q repo && mkdir -p repo/sub/deeper || return 1
	git -C repo commit -q --allow-empty -m init || return 1
	want=$(cd repo && git rev-parse --path-format=absolute --git-common-dir)/pgleak
	assert_eq "$(cd repo && "$PGLEAK_BIN" cache path)" "$want" || return 1
	assert_eq "$(cd repo/sub/deeper && "$PGLEAK_BIN" cache path)" "$want" || return 1
	# a linked worktree shares its main repository's cache
	git -C repo worktree add -q ../wt -b other || return 1
	assert_eq "$(cd wt && "$PGLEAK_BIN" cache path)" "$want" || return 1
	# GIT_DIR names the repository even from elsewhere
	mkdir elsewhere
	assert_eq "$(cd elsewhere && GIT_DIR="$PWD/../repo/.git" "$PGLEAK_BIN" cache path)" "$want" || return 1
	# PGLEAK_CACHE_DIR wins over the repository
	assert_eq "$(cd repo && PGLEAK_CACHE_DIR=/x "$PGLEAK_BIN" cache path)" /x
}

# A relative PGLEAK_CACHE_DIR is taken from the work tree's root, not from
# the folder a command runs in: the hook (which git runs at the root) and
# check / cache in a subfolder share one cache.
test_relative_env_dir_is_from_the_work_tree_root() {
	local root
	git init -q repo && mkdir -p repo/sub/deeper || return 1
	root=$(git -C repo rev-parse --show-toplevel) || return 1
	(cd repo && "$PGLEAK_BIN" install >/dev/null) || return 1
	export PGLEAK_CACHE_DIR=.pgcache
	assert_eq "$(cd repo/sub/deeper && "$PGLEAK_BIN" cache path)" "$root/.pgcache" || return 1
	safe_js repo/sub/deeper/db.js
	(cd repo/sub/deeper && git add db.js && git commit -q -m safe) || { fail "the commit from a subfolder failed"; return 1; }
	[ -d repo/.pgcache ] || { fail "the hook's cache is not at the root"; return 1; }
	(cd repo/sub/deeper && "$PGLEAK_BIN" check --quiet db.js) || return 1
	[ ! -e repo/sub/deeper/.pgcache ] || { fail "check made a second cache in the subfolder"; return 1; }
	(cd repo/sub/deeper && "$PGLEAK_BIN" cache stats --format json) >s.json || return 1
	assert_eq "$(json_get 'd["total"]["runs"]' s.json)" 2
}

test_path_in_bare_repository() {
	git init -q --bare b.git || return 1
	assert_eq "$(GIT_DIR="$PWD/b.git" "$PGLEAK_BIN" cache path)" "$PWD/b.git/pgleak"
}

test_path_outside_repository_is_xdg_or_home() {
	mkdir plain && cd plain || return 1
	git rev-parse --git-dir >/dev/null 2>&1 && { fail "test dir is inside a repository"; return 1; }
	assert_eq "$(XDG_CACHE_HOME="$PWD/xdg" "$PGLEAK_BIN" cache path)" "$PWD/xdg/pgleak" || return 1
	assert_eq "$(env -u XDG_CACHE_HOME "$PGLEAK_BIN" cache path)" "$HOME/.cache/pgleak" || return 1
	# the XDG spec says a relative value is ignored
	assert_eq "$(XDG_CACHE_HOME=rel "$PGLEAK_BIN" cache path)" "$HOME/.cache/pgleak"
}

test_stats_of_a_missing_cache_creates_nothing() {
	export PGLEAK_CACHE_DIR=$PWD/none
	"$PGLEAK_BIN" cache stats --format json >s.json || fail "exit $?" || return 1
	assert_eq "$(json_get '(d["entries"], d["bytes"], d["total"]["runs"])' s.json)" "(0, 0, 0)" || return 1
	[ ! -e none ] || fail "stats created $PGLEAK_CACHE_DIR"
}

test_stats_after_runs_text_and_json() {
	leaky_file
	# Older than the racy window (2 s, judged on the inode's change time,
	# which touch cannot set back): otherwise the cold run keeps no
	# fingerprint, and a warm run that a loaded machine delays past the
	# window looks it up for the first time and misses.  A wait, not a limit.
	sleep 3
	export PGLEAK_CACHE_DIR=$PWD/c
	expect_exit 1 "$PGLEAK_BIN" check src >/dev/null || return 1
	"$PGLEAK_BIN" cache stats --format json >s1.json || return 1
	[ "$(json_get 'd["entries"]' s1.json)" -gt 0 ] || fail "no entries after a run" || return 1
	[ "$(json_get 'd["bytes"]' s1.json)" -gt 0 ] || fail "no bytes after a run" || return 1
	assert_eq "$(json_get 'd["last_run"]["hits"]' s1.json)" 0 || return 1
	[ "$(json_get 'd["last_run"]["misses"]' s1.json)" -gt 0 ] || fail "the cold run missed nothing" || return 1
	assert_eq "$(json_get 'd["total"]["runs"]' s1.json)" 1 || return 1
	assert_eq "$(json_get 'd["path"]' s1.json)" "$PWD/c" || return 1
	assert_eq "$(json_get 'd["max_bytes"]' s1.json)" $((64 * 1024 * 1024)) || return 1

	expect_exit 1 "$PGLEAK_BIN" check src >/dev/null || return 1
	"$PGLEAK_BIN" cache stats --format json >s2.json || return 1
	[ "$(json_get 'd["last_run"]["hits"]' s2.json)" -gt 0 ] || fail "the warm run hit nothing" || return 1
	assert_eq "$(json_get 'd["last_run"]["misses"]' s2.json)" 0 || return 1
	assert_eq "$(json_get 'd["total"]["runs"]' s2.json)" 2 || return 1
	assert_eq "$(json_get 'd["total"]["misses"]' s2.json)" "$(json_get 'd["last_run"]["misses"]' s1.json)" || return 1
	assert_eq "$(json_get 'd["entries"]' s2.json)" "$(json_get 'd["entries"]' s1.json)" || return 1

	local text
	text=$("$PGLEAK_BIN" cache stats) || return 1
	assert_contains "$text" "entries:  $(json_get 'd["entries"]' s2.json)" || return 1
	assert_contains "$text" "last run: $(json_get 'd["last_run"]["hits"]' s2.json) hits, 0 misses" || return 1
	assert_contains "$text" "in 2 runs" || return 1
	# stats itself is not a run
	"$PGLEAK_BIN" cache stats --format json >s3.json || return 1
	assert_eq "$(json_get 'd["total"]["runs"]' s3.json)" 2
}

test_max_bytes_env() {
	export PGLEAK_CACHE_DIR=$PWD/c
	PGLEAK_CACHE_MAX_BYTES=1M "$PGLEAK_BIN" cache stats --format json >s.json || return 1
	assert_eq "$(json_get 'd["max_bytes"]' s.json)" 1048576 || return 1
	PGLEAK_CACHE_MAX_BYTES=2G "$PGLEAK_BIN" cache stats --format json >s.json || return 1
	assert_eq "$(json_get 'd["max_bytes"]' s.json)" $((2 * 1024 * 1024 * 1024)) || return 1
}

# A size limit that cannot be read is an error (exit 2) that names it, on every command that
# uses the cache, and a commit with it is blocked rather than run with a silent default.
test_max_bytes_invalid_is_an_error() {
	local v cmd
	export PGLEAK_CACHE_DIR=$PWD/c
	leaky_js src/a.js
	for v in lots abc -5 1T "" 12Q; do
		for cmd in "cache stats" "check src"; do
			PGLEAK_CACHE_MAX_BYTES=$v "$PGLEAK_BIN" $cmd >out 2>err
			assert_eq "$?" 2 || { cat err; return 1; }
			assert_contains "$(cat err)" "PGLEAK_CACHE_MAX_BYTES" || return 1
			assert_contains "$(cat err)" "unset it" || return 1
		done
	done
	assert_contains "$(PGLEAK_CACHE_MAX_BYTES= "$PGLEAK_BIN" cache stats 2>&1)" "set but empty" || return 1
	# --help still answers
	PGLEAK_CACHE_MAX_BYTES=abc "$PGLEAK_BIN" check --help >/dev/null || return 1
	git init -q repo && cd repo || return 1
	"$PGLEAK_BIN" install >/dev/null || return 1
	safe_js db.js && git add db.js || return 1
	local out rc
	out=$(PGLEAK_CACHE_MAX_BYTES=1T git commit -q -m safe 2>&1); rc=$?
	[ $rc -ne 0 ] || fail "commit allowed with PGLEAK_CACHE_MAX_BYTES=1T" || return 1
	assert_contains "$out" "PGLEAK_CACHE_MAX_BYTES=1T is not a size" || return 1
	PGLEAK_CACHE_MAX_BYTES=1M git commit -q -m safe || fail "a valid limit blocks the commit"
}

test_clear_empties_and_resets() {
	leaky_file
	export PGLEAK_CACHE_DIR=$PWD/c
	expect_exit 1 "$PGLEAK_BIN" check src >/dev/null || return 1
	local out
	out=$("$PGLEAK_BIN" cache clear) || fail "clear exited $?" || return 1
	assert_contains "$out" "cleared $PWD/c" || return 1
	"$PGLEAK_BIN" cache stats --format json >s.json || return 1
	assert_eq "$(json_get '(d["entries"], d["total"]["hits"], d["total"]["misses"], d["total"]["runs"])' s.json)" "(0, 0, 0, 0)" || return 1
	expect_exit 0 "$PGLEAK_BIN" cache verify >/dev/null || return 1
	# the next run analyses again and gets the same answer
	"$PGLEAK_BIN" check --format json src >r.json
	[ "$(json_get 'd["stats"]["analyzed"]' r.json)" -gt 0 ] || fail "nothing analysed after clear" || return 1
	assert_eq "$(json_get 'len(d["findings"])' r.json)" 1
}

test_clear_while_runs_use_the_cache() {
	leaky_file
	for i in 1 2 3 4 5 6; do cp src/a.js "src/b$i.js"; done
	export PGLEAK_CACHE_DIR=$PWD/c
	local pids="" i
	for i in 1 2 3 4; do
		( for j in 1 2 3 4 5 6; do
			"$PGLEAK_BIN" check --format json src >"r$i-$j.json" 2>"e$i-$j"; echo $? >"rc$i-$j"
		done ) &
		pids="$pids $!"
	done
	for i in 1 2 3 4 5 6 7 8; do
		"$PGLEAK_BIN" cache clear >/dev/null || fail "clear exited $?" || return 1
	done
	wait $pids
	for f in rc*; do assert_eq "$(cat "$f")" 1 || return 1; done
	for f in r*.json; do
		assert_eq "$(json_get 'len(d["findings"])' "$f")" 7 || return 1
	done
	expect_exit 0 "$PGLEAK_BIN" cache verify >/dev/null
}

test_damaged_cache_verify_and_repair() {
	leaky_file
	export PGLEAK_CACHE_DIR=$PWD/c
	expect_exit 1 "$PGLEAK_BIN" check src >/dev/null || return 1
	expect_exit 1 "$PGLEAK_BIN" check src >/dev/null || return 1
	"$PGLEAK_BIN" check --format json src >before.json
	# garbage in every cache file but the lock
	for f in c/*; do
		case $f in */lock) continue ;; esac
		head -c 3000 /dev/urandom >"$f"
	done
	expect_exit 2 "$PGLEAK_BIN" cache verify 2>err >/dev/null || return 1
	assert_contains "$(cat err)" "pgleak-hook: cache:" || return 1
	expect_exit 0 "$PGLEAK_BIN" cache stats >/dev/null || return 1
	# a run over the damage gives the right answer and leaves a sound cache
	"$PGLEAK_BIN" check --format json src >after.json
	assert_eq "$(json_get 'd["findings"]' after.json)" "$(json_get 'd["findings"]' before.json)" || return 1
	expect_exit 0 "$PGLEAK_BIN" cache verify >/dev/null
}

corpus_tree() { # a tree of the analysis cases (tests/cases), several copies so that runs last a while
	local i
	mkdir -p src
	for i in 1 2 3; do
		mkdir -p "src/c$i"
		cp -r "$ROOT"/tests/cases/* "src/c$i/"
	done
}

findings_json() { # the findings of a report, comparable as text
	python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["findings"], sort_keys=True))' "$1"
}

test_eight_parallel_runs_agree() {
	corpus_tree
	PGLEAK_CACHE_DIR=$PWD/ref "$PGLEAK_BIN" check --format json src >ref.json 2>/dev/null
	export PGLEAK_CACHE_DIR=$PWD/c
	local round i want
	want=$(findings_json ref.json)
	[ "$want" != "[]" ] || fail "the reference run found nothing" || return 1
	for round in cold warm; do
		for i in 1 2 3 4 5 6 7 8; do
			"$PGLEAK_BIN" check --format json src >"$round$i.json" 2>/dev/null &
		done
		wait
		for i in 1 2 3 4 5 6 7 8; do
			assert_eq "$(findings_json "$round$i.json")" "$want" || return 1
		done
		expect_exit 0 "$PGLEAK_BIN" cache verify >/dev/null || return 1
	done
	"$PGLEAK_BIN" cache stats --format json >s.json || return 1
	assert_eq "$(json_get 'd["total"]["runs"]' s.json)" 16 || return 1
	[ "$(json_get 'd["last_run"]["hits"]' s.json)" -gt 0 ] || fail "the warm runs hit nothing"
}

test_runs_killed_mid_way_leave_a_usable_cache() {
	corpus_tree
	PGLEAK_CACHE_DIR=$PWD/ref "$PGLEAK_BIN" check --format json src >ref.json 2>/dev/null
	export PGLEAK_CACHE_DIR=$PWD/c PGLEAK_CACHE_MAX_BYTES=256K
	local round pid want
	want=$(findings_json ref.json)
	for round in 1 2 3 4 5 6 7 8 9 10 11 12; do
		# half the rounds start cold, so the run ends with a large write
		[ $((round % 2)) = 0 ] && "$PGLEAK_BIN" cache clear >/dev/null
		echo "// round $round" >>"src/c1/$(ls src/c1 | head -n 1)"
		"$PGLEAK_BIN" check --format json src >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		# the next run is right, and leaves the cache whole
		"$PGLEAK_BIN" check --format json src >after.json 2>/dev/null
		assert_eq "$(findings_json after.json)" "$want" || return 1
		expect_exit 0 "$PGLEAK_BIN" cache verify || return 1
	done
	[ -z "$(ls c | grep '^tmp-')" ] || fail "temporary files left: $(ls c)"
}

unusable() { # unusable DIR SUBCOMMAND: exit 2 and exactly one message
	local err
	PGLEAK_CACHE_DIR=$1 "$PGLEAK_BIN" cache "$2" >out 2>err
	local rc=$?
	assert_eq "$rc" 2 || return 1
	assert_eq "$(wc -l <err)" 1 || return 1
	assert_contains "$(cat err)" "cannot use $1" || return 1
	assert_contains "$(cat err)" "running without the cache"
}

test_unusable_directory() {
	touch afile
	unusable /dev/null/x clear || return 1
	unusable /dev/null/x stats || return 1
	unusable "$PWD/afile" clear || return 1
	unusable "$PWD/afile/sub" clear || return 1
	# path only names it, and succeeds
	assert_eq "$(PGLEAK_CACHE_DIR=/dev/null/x "$PGLEAK_BIN" cache path)" /dev/null/x || return 1
	# a check with an unusable cache still works, and says so once
	leaky_file
	PGLEAK_CACHE_DIR=/dev/null/x "$PGLEAK_BIN" check src >out 2>err
	assert_eq "$?" 1 || return 1
	assert_eq "$(grep -c 'running without the cache' err)" 1
}

test_usage_and_errors() {
	local out
	out=$("$PGLEAK_BIN" cache --help) || fail "--help exited $?" || return 1
	assert_contains "$out" "stats|clear|path" || return 1
	assert_contains "$out" "PGLEAK_CACHE_MAX_BYTES" || return 1
	expect_exit 2 "$PGLEAK_BIN" cache 2>/dev/null || return 1
	expect_exit 2 "$PGLEAK_BIN" cache frobnicate 2>/dev/null || return 1
	expect_exit 2 "$PGLEAK_BIN" cache stats --format xml 2>/dev/null || return 1
	expect_exit 2 "$PGLEAK_BIN" cache stats extra 2>/dev/null || return 1
	expect_exit 2 "$PGLEAK_BIN" cache stats --format 2>/dev/null
}

run_tests
