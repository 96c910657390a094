#!/usr/bin/env bash
# tests/cli.sh - the command line itself: --version, the help pages, exit
# codes for unknown commands and options, and `check`'s handling of paths
# (recursive walk, skipped folders, extensions, missing paths, names as
# given, determinism, a reader that closes the pipe early).
#
# Leaking files are written here in the shape of corpus case 002 (a checkout
# whose query may throw, no release), so the expectations follow from what
# each test writes.
source "$(dirname "$0")/lib.sh"

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

# leak FILE [FUNCTION]: a file whose only function leaks its client (line 5).
leak() { leaky_js "$1" "${2:-load}"; }


# paths_of JSONFILE: the reported paths, one a line, in report order.
paths_of() {
	python3 -c 'import json,sys; [print(f["path"]) for f in json.load(open(sys.argv[1]))["findings"]]' "$1"
}

test_version() {
	local out
	out=$("$PGLEAK_BIN" --version) || fail "--version exited $?" || return 1
	assert_eq "$out" "pgleak-hook $(cat "$ROOT/VERSION")"
}

test_help_teaches() {
	local out
	for h in --help -h help; do
		out=$("$PGLEAK_BIN" $h) || fail "$h exited $?" || return 1
		for word in install uninstall run check diff cache PGLEAK_SKIP PGLEAK_CACHE_DIR NO_COLOR \
			.pgleak.json pools acquire releaseHelpers ignore maxFileBytes \
			pgleak-ignore-next-line "pgleak-ignore " "Exit codes" Example; do
			assert_contains "$out" "$word" || return 1
		done
	done
}

test_every_command_has_help() {
	local out
	for c in install uninstall run check diff cache; do
		out=$("$PGLEAK_BIN" $c --help) || fail "$c --help exited $?" || return 1
		assert_contains "$out" "usage: pgleak-hook $c" || return 1
		out=$("$PGLEAK_BIN" help $c) || fail "help $c exited $?" || return 1
		assert_contains "$out" "usage: pgleak-hook $c" || return 1
	done
}

test_no_command_is_exit_2() {
	local err
	err=$("$PGLEAK_BIN" 2>&1 >/dev/null); [ $? = 2 ] || fail "no command: expected exit 2" || return 1
	assert_contains "$err" "no command given" || return 1
	assert_contains "$err" "--help"
}

test_unknown_command_is_exit_2() {
	local err
	err=$("$PGLEAK_BIN" frobnicate 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" "'frobnicate' is not a command" || return 1
	assert_contains "$err" "pgleak-hook --help" || return 1
	err=$("$PGLEAK_BIN" help frobnicate 2>&1 >/dev/null); [ $? = 2 ] || fail "help frobnicate: expected exit 2" || return 1
	assert_not_contains "$err" "did you mean"
}

# A close misspelling names the command meant; a far one does not guess.
test_mistyped_command_did_you_mean() {
	local err
	err=$("$PGLEAK_BIN" chek a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "chek: expected exit 2" || return 1
	assert_contains "$err" "did you mean 'check'?" || return 1
	err=$("$PGLEAK_BIN" instal 2>&1 >/dev/null); [ $? = 2 ] || fail "instal: expected exit 2" || return 1
	assert_contains "$err" "did you mean 'install'?" || return 1
	err=$("$PGLEAK_BIN" help unistall 2>&1 >/dev/null); [ $? = 2 ] || fail "help unistall: expected exit 2" || return 1
	assert_contains "$err" "did you mean 'uninstall'?" || return 1
	[ ! -e .git/hooks/pre-commit ] || fail "a mistyped command did something"
}

test_unknown_option_is_exit_2() {
	local err
	err=$("$PGLEAK_BIN" --frobnicate 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" "unknown option '--frobnicate'" || return 1
	safe_js a.js
	err=$("$PGLEAK_BIN" check --frobnicate a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "check: expected exit 2" || return 1
	assert_contains "$err" "unknown option '--frobnicate'" || return 1
	assert_contains "$err" "check --help" || return 1
	err=$("$PGLEAK_BIN" check --format yaml a.js 2>&1 >/dev/null); [ $? = 2 ] || fail "bad format: expected exit 2" || return 1
	assert_contains "$err" "unknown format 'yaml'" || return 1
	err=$("$PGLEAK_BIN" check a.js --format 2>&1 >/dev/null); [ $? = 2 ] || fail "--format without value: expected 2" || return 1
	assert_contains "$err" "--format needs a value"
}

test_check_without_paths_is_exit_2() {
	local err
	err=$("$PGLEAK_BIN" check 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" "no file or folder given"
}

test_check_exit_codes() {
	safe_js ok.js
	leak bad.js
	expect_exit 0 "$PGLEAK_BIN" check ok.js 2>/dev/null || return 1
	expect_exit 1 "$PGLEAK_BIN" check bad.js 2>/dev/null || return 1
	expect_exit 1 "$PGLEAK_BIN" check ok.js bad.js 2>/dev/null
}

# A file named by its path from elsewhere: the finding carries that path as given.
test_check_case_file_finds_its_leak() {
	local out case="$ROOT/tests/cases/acquisition-in-expressions-09.js"
	out=$("$PGLEAK_BIN" check "$case" 2>/dev/null); [ $? = 1 ] ||
		fail "expected exit 1 for a leaking case" || return 1
	assert_contains "$out" "$case:6:" || return 1
	assert_contains "$out" "[never-released]"
}

test_missing_path_is_exit_2() {
	local err
	safe_js ok.js
	err=$("$PGLEAK_BIN" check ok.js nope.js 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" "nope.js: no such file or folder" || return 1
	err=$("$PGLEAK_BIN" check no/such/dir 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2 for a folder" || return 1
	assert_contains "$err" "no/such/dir"
}

test_named_file_with_unknown_extension_is_exit_2() {
	local err
	echo 'hello' >notes.txt
	err=$("$PGLEAK_BIN" check notes.txt 2>&1 >/dev/null); [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" "notes.txt" || return 1
	assert_contains "$err" ".js .mjs .cjs .jsx .ts .mts .cts .tsx"
}

test_all_extensions_are_walked() {
	local ext got
	for ext in js mjs cjs jsx ts mts cts tsx; do leak "src/f.$ext"; done
	leak src/readme.md
	leak src/types.d.ts
	leak src/types.d.mts
	leak src/types.d.cts
	"$PGLEAK_BIN" check --format json src >out.json 2>err; [ $? = 1 ] || { cat err; fail "expected exit 1"; return 1; }
	got=$(paths_of out.json | tr '\n' ' ')
	assert_eq "$got" "src/f.cjs src/f.cts src/f.js src/f.jsx src/f.mjs src/f.mts src/f.ts src/f.tsx "
}

# Declaration files (.d.ts, .d.mts, .d.cts) hold no code: named on the command
# line they are neither checked nor an error, and are not counted as checked.
test_named_declaration_files_are_not_checked() {
	local ext err
	for ext in d.ts d.mts d.cts; do
		leak "types.$ext"
		err=$("$PGLEAK_BIN" check --format json "types.$ext" 2>&1 >out.json) || { fail "check types.$ext: exit $?: $err"; return 1; }
		assert_eq "$(paths_of out.json)" "" || return 1
		assert_eq "$(python3 -c 'import json,sys; print(json.load(open("out.json"))["stats"]["files"])')" 0 || return 1
	done
}

test_walk_skips_node_modules_and_dot_folders() {
	local got
	leak app/a.js
	leak app/node_modules/pkg/index.js
	leak node_modules/x.js
	leak app/.cache/b.js
	leak .hidden/c.js
	leak app/sub/deeper/d.ts
	leak app/.e.js   # a dot-file is a file, not a folder: checked
	"$PGLEAK_BIN" check --format json . >out.json 2>err; [ $? = 1 ] || { cat err; fail "expected exit 1"; return 1; }
	got=$(paths_of out.json | tr '\n' ' ')
	assert_eq "$got" "app/.e.js app/a.js app/sub/deeper/d.ts "
}

test_named_dot_folder_is_checked() {
	leak .hidden/c.js
	"$PGLEAK_BIN" check --format json .hidden >out.json 2>/dev/null; [ $? = 1 ] || fail "expected exit 1" || return 1
	assert_eq "$(paths_of out.json)" ".hidden/c.js"
}

test_paths_reported_as_given() {
	leak src/a.js
	"$PGLEAK_BIN" check --format json src/ >o1.json 2>/dev/null
	assert_eq "$(paths_of o1.json)" "src/a.js" || return 1
	"$PGLEAK_BIN" check --format json ./src >o2.json 2>/dev/null
	assert_eq "$(paths_of o2.json)" "./src/a.js" || return 1
	"$PGLEAK_BIN" check --format json src//a.js >o3.json 2>/dev/null
	assert_eq "$(paths_of o3.json)" "src//a.js" || return 1
	"$PGLEAK_BIN" check --format json "$PWD/src" >o4.json 2>/dev/null
	assert_eq "$(paths_of o4.json)" "$PWD/src/a.js" || return 1
	(cd src && "$PGLEAK_BIN" check --format json . >../o5.json 2>/dev/null)
	assert_eq "$(paths_of o5.json)" "a.js"
}

test_same_file_twice_is_reported_once() {
	leak src/a.js
	"$PGLEAK_BIN" check --format json src src/a.js ./src/a.js >out.json 2>/dev/null
	assert_eq "$(paths_of out.json | wc -l | tr -d ' ')" "1"
}

test_output_is_sorted_and_deterministic() {
	local n
	for n in 9 3 b a 10 1; do leak "t/$n/x.js"; leak "t/f$n.js"; done
	# the second run reuses the cache: its stats differ, its findings must not
	"$PGLEAK_BIN" check --format json t >a.json 2>/dev/null
	"$PGLEAK_BIN" check --format json t >b.json 2>/dev/null
	python3 -c 'import json,sys; a,b=(json.load(open(f))["findings"] for f in sys.argv[1:]); sys.exit(a!=b)' a.json b.json ||
		fail "two runs differ" || return 1
	paths_of a.json >got
	LC_ALL=C sort got >want
	cmp -s got want || { diff got want; fail "findings not sorted by path"; return 1; }
	assert_eq "$(wc -l <got | tr -d ' ')" "12"
}

test_text_summary_on_stderr() {
	local err
	leak a.js
	safe_js b.js
	err=$("$PGLEAK_BIN" check a.js b.js 2>&1 >/dev/null)
	assert_contains "$err" "pgleak-hook: 1 leak in 1 of 2 files (" || return 1
	err=$("$PGLEAK_BIN" check b.js 2>&1 >/dev/null)
	assert_contains "$err" "pgleak-hook: no leaks in 1 file (" || return 1
	err=$("$PGLEAK_BIN" check --quiet a.js 2>&1 >/dev/null)
	assert_eq "$err" "" || return 1
	err=$("$PGLEAK_BIN" check --format json a.js 2>&1 >/dev/null)
	assert_eq "$err" ""
}

test_unreadable_file_is_exit_2_after_the_others() {
	# /proc/self/mem stats as a regular file but reading it fails (EIO), even for root.
	leak a.js
	leak c.js
	ln -s /proc/self/mem b.js
	"$PGLEAK_BIN" check --format json a.js b.js c.js >out.json 2>err; [ $? = 2 ] || fail "expected exit 2" || return 1
	assert_contains "$(cat err)" "b.js" || return 1
	assert_eq "$(paths_of out.json | tr '\n' ' ')" "a.js c.js "
}

test_pipe_closed_early_is_quiet() {
	local i err
	for i in $(seq 1 60); do leak "m/f$i.js"; done
	err=$( { "$PGLEAK_BIN" check m | head -n 1 >/dev/null; } 2>&1 )
	assert_not_contains "$err" "cannot write" || return 1
	assert_not_contains "$err" "Broken pipe" || return 1
	assert_not_contains "$err" "Sanitizer"
}

test_double_dash_ends_options() {
	leak ./--weird.js
	"$PGLEAK_BIN" check --format json -- --weird.js >out.json 2>/dev/null; [ $? = 1 ] || fail "expected exit 1" || return 1
	assert_eq "$(paths_of out.json)" "--weird.js"
}

run_tests
