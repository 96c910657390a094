#!/usr/bin/env bash
# tests/faults.sh - interruption and repository faults (issue 6): what the
# real binary does, through real git, when the run is stopped by SIGINT or
# SIGTERM, and when the repository it reads is damaged or unusual.
#
# Interruption.  What a run creates (strace of a cold run with compaction):
# in the cache directory (<git common dir>/pgleak) the folder itself, `lock`,
# `log-<id>`, `tmp-<pid>-<n>` (renamed to `cache.seg`) and `stats`; nothing
# in the work tree, the rest of .git or $TMPDIR.  git itself holds
# .git/index.lock (and next-index-*.lock for `commit -a` / `commit <paths>`)
# while the hook runs.  After a signal each test checks all of these: no
# tmp-* or stray log in the cache, `cache verify` exits 0, no *.lock in
# .git, nothing untracked in the work tree, an empty private $TMPDIR, no
# process left running, HEAD where it was, and the next run answering as a
# run that was never interrupted.
#
# The run is made long by staged files of many functions that each check a
# client out (calibrated: the delays are fractions of a measured cold run);
# the signal lands at several points of it.  Signals landing inside the
# cache's writes are made certain with strace's fault injection (a signal
# delivered on the rename/ftruncate/write of a cache file).
#
# Repository faults: each must exit 2, saying what is wrong and how to
# bypass (--no-verify / PGLEAK_SKIP=1), never crash and never pass silently.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# Sanitizer builds run several times slower.
FAULTS_SCALE=1
grep -qa __asan_init "$PGLEAK_BIN" 2>/dev/null && FAULTS_SCALE=6
FAULTS_SCALE=${FAULTS_TIME_SCALE:-$FAULTS_SCALE}

BYPASS_HINT="--no-verify"

# note MSG: what the user saw, appended to $FAULTS_LOG when set (for the report).
note() { [ -z "${FAULTS_LOG:-}" ] || printf '%s\n' "$*" >>"$FAULTS_LOG"; }

# gen_module N TAG: a module of N exported functions, each checking a client out and releasing it.
gen_module() {
	local i
	printf "import { Pool } from 'pg';\nconst pool = new Pool();\n"
	for ((i = 1; i <= $1; i++)); do
		printf 'export async function f%d_%s(id) {\n  const client = await pool.connect();\n  try {\n    if (id > %d) { await client.query("a"); } else { await client.query("b"); }\n    return await client.query("SELECT 1", [id]);\n  } finally {\n    client.release();\n  }\n}\n' "$i" "$2" "$i"
	done
}

# long_repo [leak]: ./repo (cwd moves there) with the hook installed and four big clean
# modules staged (a cold run takes a second or more); with "leak", one of them also leaks.
long_repo() {
	local k n=$((6000))
	new_repo || return 1
	printf '{ "maxFileBytes": 50000000 }\n' >.pgleak.json
	git add .pgleak.json && git commit -q --no-verify -m config || return 1
	for k in 1 2 3 4; do gen_module "$n" "m$k" >"big$k.js" || return 1; done
	[ "${1:-}" = leak ] && js_leaky_fn addUser >>big4.js
	git add big1.js big2.js big3.js big4.js
}

# ms_now: a monotonic-enough clock in milliseconds.
ms_now() { date +%s%3N; }

# calibrate: RUN_MS, the duration of a cold `pgleak-hook run` here (cache in a throwaway dir).
calibrate() {
	local t0 rc
	t0=$(ms_now)
	PGLEAK_CACHE_DIR=$PWD/../calib-cache "$PGLEAK_BIN" run --format json >../reference.json 2>/dev/null; rc=$?
	REF_RC=$rc
	RUN_MS=$(($(ms_now) - t0))
	rm -rf ../calib-cache
	[ $rc -le 1 ] || { fail "calibration run failed with exit $rc"; return 1; }
	[ "$RUN_MS" -ge 700 ] || { fail "the long run took only $RUN_MS ms: the signals would miss it"; return 1; }
}

# session_gone SID: waits (up to 3 s, scaled) for every process of session SID to end.
session_gone() {
	local i
	for ((i = 0; i < 30 * FAULTS_SCALE; i++)); do
		pgrep -s "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	fail "processes still running after the signal: $(pgrep -a -s "$1")"
}

# clean_after_interrupt: the checks listed at the top, in the current repository.
clean_after_interrupt() {
	local cache=.git/pgleak f logs=0 out
	if [ -d "$cache" ]; then
		for f in "$cache"/*; do
			[ -e "$f" ] || continue
			case ${f##*/} in
			lock | stats | cache.seg) ;;
			log-*) logs=$((logs + 1)) ;;
			*) fail "left in the cache directory: ${f##*/}"; return 1 ;;
			esac
		done
		[ $logs -le 1 ] || { fail "$logs logs left in the cache: $(ls "$cache")"; return 1; }
		# A log belongs to the segment whose id it is named after (the id: the u64 after the
		# segment's 8-byte magic, format and header size); any other is one a compaction left.
		if [ $logs = 1 ] && [ -f "$cache/cache.seg" ]; then
			f=$(od -An -tx8 -j16 -N8 "$cache/cache.seg" | tr -d ' \n')
			[ -e "$cache/log-$f" ] || { fail "dead log left beside segment $f: $(ls "$cache")"; return 1; }
		fi
		out=$("$PGLEAK_BIN" cache verify 2>&1) || { fail "cache verify after the signal: $out"; return 1; }
	fi
	out=$(find .git -name '*.lock' -o -name 'next-index*')
	[ -z "$out" ] || { fail "left in .git: $out"; return 1; }
	out=$(git status --porcelain --untracked-files=all | grep -v '^[AM] ')
	[ -z "$out" ] || { fail "left in the work tree: $out"; return 1; }
	out=$(ls -A "$TMPDIR")
	[ -z "$out" ] || { fail "left in TMPDIR: $out"; return 1; }
}

# after_interrupt_answers_right: the next run answers as the calibration run (its
# findings and figures, the cache hits aside), which no signal touched.
after_interrupt_answers_right() {
	local rc
	"$PGLEAK_BIN" run --format json >../after.json 2>../after.err; rc=$?
	[ $rc -eq "$REF_RC" ] || { fail "the run after the signal exited $rc, not $REF_RC: $(cat ../after.err)"; return 1; }
	grep -q '"functions": [1-9]' ../reference.json || { fail "reference run checked nothing: $(tail -3 ../reference.json)"; return 1; }
	diff <(sed -E 's/"(cached|analyzed)": [0-9]*//g' ../reference.json) <(sed -E 's/"(cached|analyzed)": [0-9]*//g' ../after.json) >&2 ||
		{ fail "the run after the signal answers differently from an uninterrupted one"; return 1; }
}

# sleep_ms MS
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# hook_pid SID: the pid of the `pgleak-hook run` of session SID (empty when none runs).
hook_pid() { pgrep -s "$1" -f "pgleak-hook.* run" | head -1; }

# interrupt_commit SIG WHO DELAY_MS: `git commit` in its own session, SIG after DELAY_MS to
# the whole session (WHO=group: Ctrl-C at a terminal) or to the hook process alone (WHO=hook).
# bash starts background commands with SIGINT ignored: env gives them back the default,
# as a terminal's foreground job has it.  Sets RC (git's exit), OUT and HIT (the hook was
# running when the signal was sent).
interrupt_commit() {
	local sig=$1 who=$2 delay=$3 sid hook
	setsid env --default-signal=INT,TERM git commit -q -m interrupted >../commit.out 2>&1 &
	sid=$!
	sleep_ms "$delay"
	hook=$(hook_pid "$sid")
	HIT=${hook:+1}
	if [ "$who" = group ]; then
		kill -s "$sig" -- "-$sid" 2>/dev/null
	elif [ -n "$hook" ]; then
		kill -s "$sig" "$hook" 2>/dev/null
	fi
	wait "$sid"; RC=$?
	OUT=$(cat ../commit.out)
	session_gone "$sid"
}

# The commit is interrupted at several points of a long run; each time nothing is left behind.
interrupt_commit_cases() { # SIG WHO
	local sig=$1 who=$2 before frac delay
	long_repo || return 1
	export TMPDIR=$PWD/../tmp && mkdir -p "$TMPDIR"
	calibrate || return 1
	before=$(head_id)
	for frac in 5 25 50 70; do
		rm -rf .git/pgleak
		delay=$((RUN_MS * frac / 100))
		interrupt_commit "$sig" "$who" "$delay" || return 1
		[ -n "$HIT" ] || { fail "$sig at $delay ms: the hook was not running (run: $RUN_MS ms)"; return 1; }
		[ "$RC" -ne 0 ] || { fail "$sig at $delay ms: the commit succeeded"; return 1; }
		[ "$(head_id)" = "$before" ] || { fail "$sig at $delay ms: HEAD moved"; return 1; }
		clean_after_interrupt || { fail "($sig to the $who at $delay ms of $RUN_MS)"; return 1; }
		note "$sig to the $who at $delay ms of $RUN_MS: git exit $RC, output: [$OUT]"
	done
	after_interrupt_answers_right || return 1
	[ "$REF_RC" = 0 ] || { fail "the staged change should be clean"; return 1; }
	commit_ok
}

# WRITES: the system calls by which the cache reaches the disk.
WRITES=ftruncate,write,pwrite64,writev,pwritev,rename,renameat,renameat2,unlink,unlinkat,fsync

# A signal delivered (strace fault injection) at each of the cache's writes in turn, for a
# run that appends to the log and for one that compacts (a 64K cache): the run dies of it
# after saying so, and leaves no tmp file, torn or dead log, nor a cache that fails verify.
# traced ARGS...: strace ARGS..., with LeakSanitizer off in a sanitizer build (it cannot run
# under ptrace: it would abort the traced program instead of checking it).
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"
}

test_signal_at_each_cache_write() {
	local max points p name k sig want rc n=0
	git init -q repo && cd repo || return 1
	git commit -q --allow-empty -m init || return 1
	printf '{ "maxFileBytes": 50000000 }\n' >.pgleak.json
	gen_module 1500 one >one.js && js_leaky_fn addUser >>one.js
	git add .pgleak.json one.js
	export TMPDIR=$PWD/../tmp && mkdir -p "$TMPDIR"
	for max in 64K 64M; do
		export PGLEAK_CACHE_MAX_BYTES=$max
		rm -rf .git/pgleak
		traced -f -qq -o ../trace -e trace=$WRITES "$PGLEAK_BIN" run --format json >../reference.json 2>/dev/null
		REF_RC=$?
		[ $REF_RC = 1 ] || { fail "reference run (cache $max): exit $REF_RC"; return 1; }
		# "name k": the k-th call of that name, for every write of the cache (not stdout's).
		points=$(grep -v -e '^[0-9]* *write([12],' ../trace | sed -n 's/^[0-9]* *\([a-z0-9]*\)(.*/\1/p' |
			awk '{ c[$1]++; print $1, c[$1] }')
		[ "$(printf "%s\n" "$points" | grep -c .)" -ge 3 ] || { fail "too few cache writes traced: $points; trace: $(head -c 3000 ../trace)"; return 1; }
		while read -r name k; do
			n=$((n + 1))
			if [ $((n % 2)) = 0 ]; then sig=SIGINT want=130; else sig=SIGTERM want=143; fi
			rm -rf .git/pgleak
			traced -f -qq -o /dev/null -e trace=$WRITES -e "inject=$name:signal=$sig:when=$k" \
				"$PGLEAK_BIN" run --format json >/dev/null 2>../err; rc=$?
			[ $rc = $want ] || { fail "$sig at $name #$k (cache $max): exit $rc, not $want: $(cat ../err)"; return 1; }
			assert_contains "$(cat ../err)" "interrupted ($sig)" || return 1
			clean_after_interrupt || { fail "($sig at $name #$k, cache $max)"; return 1; }
			note "$sig at the cache's $name #$k (cache $max): exit $rc, stderr: [$(cat ../err)]"
			after_interrupt_answers_right || { fail "($sig at $name #$k, cache $max)"; return 1; }
		done <<<"$points"
	done
}

# check closes the cache the same way: a signal at each of its cache writes leaves nothing torn
test_check_signal_at_each_cache_write() {
	local points name k rc n=0
	mkdir -p tree && gen_module 1500 one >tree/one.js && js_leaky_fn addUser >>tree/one.js
	printf '{ "maxFileBytes": 50000000 }\n' >cfg.json
	export PGLEAK_CACHE_DIR=$PWD/cache
	traced -f -qq -o trace -e trace=$WRITES "$PGLEAK_BIN" check --config cfg.json --format json tree >reference.json 2>/dev/null
	[ $? = 1 ] || { fail "reference check: not exit 1"; return 1; }
	points=$(grep -v -e '^[0-9]* *write([12],' trace | sed -n 's/^[0-9]* *\([a-z0-9]*\)(.*/\1/p' |
		awk '{ c[$1]++; print $1, c[$1] }')
	[ "$(printf "%s\n" "$points" | grep -c .)" -ge 2 ] || { fail "too few cache writes traced: $points"; return 1; }
	while read -r name k; do
		n=$((n + 1))
		rm -rf cache
		traced -f -qq -o /dev/null -e trace=$WRITES -e "inject=$name:signal=SIGINT:when=$k" \
			"$PGLEAK_BIN" check --config cfg.json --format json tree >/dev/null 2>err; rc=$?
		[ $rc = 130 ] || { fail "SIGINT at $name #$k: exit $rc, not 130: $(cat err)"; return 1; }
		assert_contains "$(cat err)" "interrupted (SIGINT): check stopped" || return 1
		[ -z "$(ls cache | grep -e '^tmp-')" ] || { fail "a tmp file is left after SIGINT at $name #$k: $(ls cache)"; return 1; }
		"$PGLEAK_BIN" cache verify >/dev/null 2>&1 || { fail "the cache does not verify after SIGINT at $name #$k"; return 1; }
		"$PGLEAK_BIN" check --config cfg.json --format json tree >again.json 2>/dev/null
		python3 -c 'import json,sys; a,b=(json.load(open(f))["findings"] for f in sys.argv[1:]); sys.exit(a!=b)' \
			reference.json again.json || { fail "wrong answer after SIGINT at $name #$k"; return 1; }
	done <<<"$points"
}

test_sigint_commit_group() { interrupt_commit_cases INT group; }
test_sigterm_commit_group() { interrupt_commit_cases TERM group; }
test_sigterm_hook_only() { interrupt_commit_cases TERM hook; }
test_sigint_hook_only() { interrupt_commit_cases INT hook; }

# --- repository faults -------------------------------------------------------

# fault_run NAME CMD...: runs CMD (`pgleak-hook run|diff` or `git commit`), which must exit 2
# (git: non-zero, HEAD where it was) with a message naming the fault and the bypass.
# Sets OUT.  Extra needles to find in OUT: NEEDLES (a |-separated list).
expect_fault() {
	local name=$1 want=$2 rc n; shift 2
	OUT=$("$@" 2>&1); rc=$?
	note "$name: \`$*\` exit $rc: [$OUT]"
	[ $rc = "$want" ] || { fail "$name: expected exit $want, got $rc: $OUT"; return 1; }
	assert_not_contains "$OUT" "AddressSanitizer" || return 1
	assert_not_contains "$OUT" "runtime error" || return 1
	IFS='|' read -ra n <<<"$NEEDLES"
	for needle in "${n[@]}"; do assert_contains "$OUT" "$needle" || return 1; done
}

# fault_commit NAME: `git commit` with the hook must fail (the hook's exit 2), HEAD unmoved.
fault_commit() {
	local before; before=$(head_id)
	expect_fault "$1 (git commit)" 1 git commit -q -m fault || return 1
	assert_eq "$(head_id)" "$before" || return 1
	assert_contains "$OUT" "could not run" || return 1
	assert_contains "$OUT" "$BYPASS_HINT"
}

# src_repo: ./src, a repository with three commits of users.js (and db.js), which serves filters.
src_repo() {
	git init -q src || return 1
	(cd src && { js_pool_header; js_safe_fn listUsers; } >users.js && { js_pool_header; js_safe_fn a; } >db.js &&
		git add . && git commit -q -m 1 && echo '// 2' >>users.js && git commit -q -am 2 &&
		echo '// 3' >>users.js && git commit -q -am 3 && git config uploadpack.allowFilter true)
}

# A shallow clone: the hook reads only HEAD and the index, so it works (a leak is blocked, the
# fix commits); `diff` past the shallow boundary exits 2, naming the shallow clone and the fetch.
test_shallow_clone() {
	src_repo || return 1
	git clone -q --depth 1 "file://$PWD/src" shallow && cd shallow || return 1
	[ -f .git/shallow ] || { fail "not a shallow clone"; return 1; }
	"$PGLEAK_BIN" install >/dev/null || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser" || return 1
	NEEDLES="HEAD~1|shallow clone|git fetch --unshallow"
	expect_fault "shallow clone, diff HEAD~1" 2 "$PGLEAK_BIN" diff HEAD~1 || return 1
	expect_fault "shallow clone, diff HEAD~1...HEAD" 2 "$PGLEAK_BIN" diff HEAD~1...HEAD || return 1
	git reset -q && git checkout -q users.js
	js_safe_fn addUser >>users.js && git add users.js
	commit_ok
}

# A partial clone (--filter=blob:none): old revisions' blobs were never fetched, and libgit2
# cannot fetch them; a blob of HEAD that the run needs, deleted, is missing too.
test_partial_clone_missing_objects() {
	local blob
	src_repo || return 1
	suppress_libgit2_pcre2_leak # a partial clone is a repositoryformatversion 1 repository
	git clone -q --filter=blob:none "file://$PWD/src" partial && cd partial || return 1
	[ -n "$(git config --get-regexp 'remote\..*\.partialclonefilter|extensions\.partialclone')" ] ||
		{ fail "not a partial clone: $(git config -l)"; return 1; }
	"$PGLEAK_BIN" install >/dev/null || return 1
	blob=$(git rev-parse HEAD~2:users.js)
	git rev-list --objects --missing=print HEAD~2 | grep -q "^?$blob" ||
		{ fail "HEAD~2:users.js is not missing: the filter did not apply"; return 1; }
	js_leaky_fn addUser >>users.js && git add users.js
	NEEDLES="users.js|missing|partial clone"
	expect_fault "partial clone, diff HEAD~2" 2 "$PGLEAK_BIN" diff HEAD~2 || return 1
	# A local commit (loose objects), then its users.js blob deleted: the hook needs it as the old side.
	git commit -q --no-verify -m local || return 1
	blob=$(git rev-parse HEAD:users.js)
	rm -f ".git/objects/${blob:0:2}/${blob:2}"
	git rev-list --objects --missing=print HEAD | grep -q "^?$blob" || { fail "blob $blob still there"; return 1; }
	js_leaky_fn other >>users.js && git add users.js
	NEEDLES="users.js|missing|$blob|partial clone|git fetch"
	fault_commit "partial clone, HEAD's blob deleted" || return 1
	expect_fault "partial clone, HEAD's blob deleted" 2 "$PGLEAK_BIN" run
}

# Not a partial clone: a deleted object is named as damage, with git fsck.
test_missing_object_plain_repo() {
	local blob
	new_repo || return 1
	blob=$(git rev-parse HEAD:users.js)
	rm -f ".git/objects/${blob:0:2}/${blob:2}"
	js_leaky_fn addUser >>users.js && git add users.js
	NEEDLES="users.js|missing|git fsck"
	fault_commit "plain repo, HEAD's blob deleted" || return 1
	expect_fault "plain repo, HEAD's blob deleted" 2 "$PGLEAK_BIN" run
}

# A corrupted index: bytes overwritten in the header, an entry's stat data, the checksum; truncated.
# What git cannot read is an error (exit 2); what git reads as it is (stat data and the checksum,
# which git checks only in fsck) is read the same way, and the leak it stages is found (exit 1).
test_corrupted_index() {
	local where want
	new_repo || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	cp .git/index ../index.good
	for where in 0 20 40 tail truncate; do
		cp ../index.good .git/index
		case $where in
		tail) printf 'XXXX' | dd of=.git/index bs=1 seek=$(($(stat -c %s .git/index) - 4)) conv=notrunc 2>/dev/null ;;
		truncate) truncate -s 50 .git/index ;;
		*) printf 'XXXXXXXX' | dd of=.git/index bs=1 seek="$where" conv=notrunc 2>/dev/null ;;
		esac
		# libgit2 refuses it; git reads some of these (it checks no stat data, nor the checksum)
		# and then the leak is found through git (diff/gitcli.c), else both refusals are said
		if git ls-files -s 2>/dev/null | grep -qv '^[0-7]* 0\{40\} '; then
			NEEDLES="users.js:15:|introduced"
			expect_fault "index corrupted at $where, read by git" 1 "$PGLEAK_BIN" run || return 1
			GIT_INDEX_FILE=.git/index expect_fault "index corrupted at $where (GIT_INDEX_FILE), read by git" 1 \
				"$PGLEAK_BIN" run || return 1
		else
			NEEDLES="cannot read the index|.git/index|$BYPASS_HINT"
			expect_fault "index corrupted at $where" 2 "$PGLEAK_BIN" run || return 1
			assert_not_contains "$OUT" "rm " || return 1
			# the same index handed over by git (GIT_INDEX_FILE, as for commit -a)
			NEEDLES="cannot read the index|$BYPASS_HINT"
			GIT_INDEX_FILE=.git/index expect_fault "index corrupted at $where (GIT_INDEX_FILE)" 2 "$PGLEAK_BIN" run || return 1
		fi
		# git either refuses the damaged index itself or rewrites it: never a commit with the leak
		local before; before=$(head_id)
		OUT=$(git commit -q -m x 2>&1) && { fail "index corrupted at $where: commit made: $OUT"; return 1; }
		note "index corrupted at $where: git commit: [$OUT]"
		assert_eq "$(head_id)" "$before" || return 1
	done
}

# An unreadable .pgleak.json in what is committed: malformed, a directory, a symlink.
test_unreadable_config() {
	new_repo || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	printf '{ "maxFileBytes": \n' >.pgleak.json && git add .pgleak.json
	NEEDLES=".pgleak.json:2|$BYPASS_HINT"
	fault_commit "malformed .pgleak.json" || return 1
	git rm -q --cached .pgleak.json && rm .pgleak.json
	mkdir .pgleak.json && echo '{}' >.pgleak.json/x && git add .pgleak.json
	NEEDLES=".pgleak.json is a directory|$BYPASS_HINT"
	fault_commit "directory .pgleak.json" || return 1
	expect_fault "directory .pgleak.json" 2 "$PGLEAK_BIN" run || return 1
	git rm -rq --cached .pgleak.json && rm -r .pgleak.json
	ln -s elsewhere.json .pgleak.json && git add .pgleak.json
	NEEDLES=".pgleak.json is a symbolic link|$BYPASS_HINT"
	fault_commit "symlink .pgleak.json" || return 1
	git rm -q --cached .pgleak.json && rm .pgleak.json
	# a directory only in the work tree is not what is committed: the defaults, the leak blocked
	mkdir .pgleak.json
	commit_blocked
}

# A read-only .git, as root (for whom chmod does not stop writes): a read-only bind mount in a
# private mount namespace.  git itself cannot commit there (index.lock), so the hook is never
# reached; `pgleak-hook run` still checks, without the cache and saying so, and answers right
# (a leak exits 1, a clean change 0: the check ran, so an exit 2 would block for nothing).
# With only the cache folder read-only, `git commit` reaches the hook, which judges the same way.
test_read_only_git() {
	new_repo || return 1
	mkdir -p .git/pgleak
	js_leaky_fn addUser >>users.js && git add users.js
	unshare -m true 2>/dev/null || { fail "unshare -m is not permitted here: cannot make .git read-only as root"; return 1; }
	local before; before=$(head_id)
	OUT=$(unshare -m bash -c 'mount --bind -o ro .git .git && touch .git/probe 2>/dev/null && echo WRITABLE
		git commit -q -m x; echo "git=$?"; "$PGLEAK_BIN" run; echo "run=$?"' 2>&1)
	note "read-only .git: [$OUT]"
	assert_not_contains "$OUT" WRITABLE || return 1
	assert_contains "$OUT" "Read-only file system" || return 1
	assert_contains "$OUT" "git=128" || return 1
	assert_contains "$OUT" "running without the cache" || return 1
	assert_contains "$OUT" "1 leak introduced" || return 1
	assert_contains "$OUT" "run=1" || return 1
	assert_eq "$(head_id)" "$before" || return 1
	# only the cache folder read-only: the commit reaches the hook
	OUT=$(unshare -m bash -c 'mount --bind -o ro .git/pgleak .git/pgleak &&
		git commit -q -m x; echo "git=$?"; git reset -q && git checkout -q users.js &&
		{ cat users.js; printf "\n// clean change\n"; } >u && mv u users.js && git add users.js &&
		git commit -q -m clean; echo "clean=$?"' 2>&1)
	note "read-only cache folder: [$OUT]"
	assert_contains "$OUT" "cannot use $PWD/.git/pgleak: Read-only file system; running without the cache" || return 1
	assert_contains "$OUT" "1 leak introduced" || return 1
	assert_contains "$OUT" "git=1" || return 1
	assert_contains "$OUT" "clean=0" || return 1
	[ "$(head_id)" != "$before" ] || fail "the clean commit was not made"
}

run_tests
