#!/usr/bin/env bash
# tests/fix.sh - `pgleak-hook check --fix [--dry-run]` (issue 14, item 2),
# the real binary on real files: the rewrite itself (exact bytes), line
# ends and indent units kept, template literals left alone, every shape it
# must refuse left byte-identical with its reason, the file's mode and a
# symbolic link kept, the exit codes, and the labelled corpus of
# ../shared/corpus: how many of its leaking acquisitions are fixed, each of
# those then checks clean, every refused file is unchanged.
source "$(dirname "$0")/lib.sh"

# fixable_js FILE: the README's shape, a release after the query.
fixable_js() {
	cat >"$1" <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();

async function orderTotal(orderId) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT total FROM orders WHERE id = $1', [orderId]);
  client.release();
  return rows[0].total;
}

function untouched() {
  return 1;
}
module.exports = { orderTotal, untouched };
EOF
}

test_fix_moves_the_release_into_finally() {
	fixable_js db.js
	local err; err=$("$PGLEAK_BIN" check --fix db.js 2>&1 >/dev/null); local rc=$?
	[ $rc -eq 0 ] || fail "expected exit 0 (nothing left), got $rc: $err" || return 1
	assert_contains "$err" "db.js:5:29: fixed: the release now runs in a finally block (in orderTotal)" || return 1
	cat >want.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();

async function orderTotal(orderId) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT total FROM orders WHERE id = $1', [orderId]);
    return rows[0].total;
  } finally {
    client.release();
  }
}

function untouched() {
  return 1;
}
module.exports = { orderTotal, untouched };
EOF
	cmp -s db.js want.js || fail "unexpected rewrite: $(diff -u want.js db.js)" || return 1
	expect_exit 0 "$PGLEAK_BIN" check --quiet db.js
}

test_fix_dry_run_prints_a_patch_and_writes_nothing() {
	git init -q . && fixable_js db.js && git add db.js && git commit -qm base || return 1
	cp db.js before.js
	local out rc; out=$("$PGLEAK_BIN" check --fix --dry-run db.js 2>err.txt); rc=$?
	[ $rc -eq 0 ] || fail "expected exit 0 (the fix would leave nothing), got $rc: $(cat err.txt)" || return 1
	cmp -s db.js before.js || fail "--dry-run changed the file" || return 1
	assert_contains "$out" "--- a/db.js" || return 1
	assert_contains "$out" "+  } finally {" || return 1
	assert_contains "$(cat err.txt)" "db.js:5:29: would fix: the release would run in a finally block" || return 1
	assert_not_contains "$(cat err.txt)" "fixed:" || return 1
	# the patch is the fix: applied, it gives what --fix writes
	printf '%s\n' "$out" >fix.patch && git apply fix.patch || fail "git apply refused the patch: $out" || return 1
	cp db.js applied.js && cp before.js db.js && "$PGLEAK_BIN" check --fix --quiet db.js 2>/dev/null
	cmp -s db.js applied.js || fail "the patch and --fix differ: $(diff -u applied.js db.js)"
}

# The summary counts the file's functions once, as `check` does, not once per
# try of the rewrite (the fix checks the text again after each).
test_fix_counts_the_functions_once() {
	fixable_js db.js
	local fixed plain
	fixed=$("$PGLEAK_BIN" check --fix db.js 2>&1 >/dev/null | grep -o '([0-9]* functions')
	plain=$("$PGLEAK_BIN" check db.js 2>&1 >/dev/null | grep -o '([0-9]* functions')
	[ -n "$plain" ] || fail "no function count in check's summary" || return 1
	assert_eq "$fixed" "$plain" || return 1
	fixable_js db.js
	assert_eq "$("$PGLEAK_BIN" check --fix --format json db.js | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["functions"])')" \
		"$("$PGLEAK_BIN" check --format json db.js | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["functions"])')"
}

test_fix_dry_run_needs_fix() {
	fixable_js db.js
	local err; err=$("$PGLEAK_BIN" check --dry-run db.js 2>&1)
	[ $? -eq 2 ] || fail "expected exit 2" || return 1
	assert_contains "$err" "--dry-run goes with --fix"
}

test_fix_keeps_crlf_line_ends() {
	fixable_js lf.js && sed 's/$/\r/' lf.js >db.js
	expect_exit 0 "$PGLEAK_BIN" check --fix --quiet db.js 2>/dev/null || return 1
	local total crlf
	total=$(wc -l <db.js); crlf=$(grep -c $'\r$' db.js)
	[ "$total" -eq "$crlf" ] || fail "$((total - crlf)) of $total lines lost their CR: $(od -c db.js | head -20)" || return 1
	grep -q $'^  try {\r$' db.js || fail "no CRLF try line: $(cat -A db.js)"
}

test_fix_keeps_the_files_indent_unit() {
	printf 'const { Pool } = require("pg");\nconst pool = new Pool();\n\nasync function f(id) {\n\tconst client = await pool.connect();\n\tconst r = await client.query("SELECT $1", [id]);\n\tclient.release();\n\treturn r.rows;\n}\nmodule.exports = { f };\n' >tabs.js
	expect_exit 0 "$PGLEAK_BIN" check --fix --quiet tabs.js 2>/dev/null || return 1
	grep -q $'^\ttry {$' tabs.js && grep -q $'^\t\tconst r = await' tabs.js && grep -q $'^\t\tclient.release();$' tabs.js ||
		fail "tabs not kept: $(cat -A tabs.js)" || return 1
	grep -q '^ ' tabs.js && fail "a space indent appeared: $(cat -A tabs.js)"
	return 0
}

test_fix_leaves_template_literal_lines_alone() {
	cat >db.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();

async function report(day) {
    const client = await pool.connect();
    const { rows } = await client.query(`
SELECT count(*)
  FROM orders
 WHERE day = $1`, [day]);
    client.release();
    return rows;
}
module.exports = { report };
EOF
	expect_exit 0 "$PGLEAK_BIN" check --fix --quiet db.js 2>/dev/null || return 1
	grep -q '^SELECT count(\*)$' db.js && grep -q '^  FROM orders$' db.js && grep -q '^ WHERE day = \$1`, \[day\]);$' db.js ||
		fail "the template's lines changed: $(cat db.js)" || return 1
	grep -q '^        const { rows } = await client.query(`$' db.js || fail "the 4-space unit was not used: $(cat db.js)"
}

# refuse NAME REASON: db.js (written by the caller) is refused with REASON and left byte-identical.
refuse() {
	cp db.js before.js
	local err rc; err=$("$PGLEAK_BIN" check --fix --quiet db.js 2>&1 >/dev/null); rc=$?
	[ $rc -eq 1 ] || fail "$1: expected exit 1 (the leak is left), got $rc: $err" || return 1
	assert_contains "$err" "no automatic fix: $2" || return 1
	cmp -s db.js before.js || fail "$1: a refused fix changed the file: $(diff -u before.js db.js)"
}

# shape BODY: a leaking function whose body after the checkout is BODY.
shape() {
	{
		printf 'const { Pool } = require("pg");\nconst pool = new Pool();\n\nasync function f(id) {\n'
		printf '  %s client = await pool.connect();\n' "${2:-const}"
		printf '%s\n' "$1"
		printf '}\nmodule.exports = { f };\n'
	} >db.js
}

test_fix_refuses_what_it_cannot_keep() {
	shape '  await client.query("SELECT 1");
  client.release(new Error("broken"));' || return 1
	refuse "release(err)" "the client is released with an argument" || return 1
	shape '  await client.query("SELECT 1");
  client = await pool.connect();
  client.release();' let || return 1
	refuse "reassigned" "the client is reassigned at line 7" || return 1
	shape '  setTimeout(() => client.release(), 10);
  await client.query("SELECT 1");' || return 1
	refuse "nested function" "the client is released inside a nested function" || return 1
	shape '  await client.query("SELECT 1");
  client.release();
  await sendMail(id);' || return 1
	refuse "early release" "the client is released before other work" || return 1
	shape '  await client.query("SELECT 1");
  if (id) {
    client.release();
    return 1;
  }
  client.release();' || return 1
	refuse "nested release" "the client is also released inside a nested statement (line 8)" || return 1
	shape '  await client.query("SELECT 1");
  await audit(client);
  client.release();' || return 1
	refuse "handed over" "the client is handed over at line 7" || return 1
	shape '  await client.query("SELECT 1");' || return 1
	refuse "no release" "there is no \`client.release()\`" || return 1
	cat >db.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();
async function f(id) {
  const { query, release } = await pool.connect();
  await query('SELECT 1');
  release();
}
module.exports = { f };
EOF
	refuse "destructured" "the client is destructured" || return 1
	shape '  await client.query("SELECT 1");
  client.release();
  client.query("SELECT 2");' || return 1
	refuse "used after release" "the client is used after its release" || return 1
	shape '  const n = await client.query("SELECT 1");
  client.release();
  return n;
  function later() { return 2; }' || return 1
	sed -i 's/^async function f(id) {$/async function f(id) {\n  const first = later();/' db.js
	refuse "hoisted" "a name declared after the checkout is used before it" || return 1
	shape '  await client.query("SELECT 1"); client.release();' || return 1
	refuse "one line" "the release at line 6 shares its line" || return 1
}

test_fix_keeps_mode_and_follows_a_symlink() {
	mkdir src && fixable_js src/real.js && chmod 640 src/real.js && ln -s src/real.js link.js
	expect_exit 0 "$PGLEAK_BIN" check --fix --quiet link.js 2>/dev/null || return 1
	[ -L link.js ] || fail "the symbolic link was replaced by a file" || return 1
	assert_eq "$(stat -c %a src/real.js)" 640 || return 1
	grep -q 'finally' src/real.js || fail "the target was not fixed" || return 1
	ls src | grep -q pgleak-fix && fail "a temporary file was left: $(ls src)"
	return 0
}

test_fix_exit_1_when_a_leak_is_left() {
	fixable_js db.js
	cat >>db.js <<'EOF'
async function never(id) {
  const client = await pool.connect();
  return client.query('SELECT $1', [id]);
}
module.exports.never = never;
EOF
	local out err rc; out=$("$PGLEAK_BIN" check --fix db.js 2>err.txt); rc=$?
	err=$(cat err.txt)
	[ $rc -eq 1 ] || fail "expected exit 1, got $rc" || return 1
	assert_contains "$err" "db.js:5:29: fixed:" || return 1
	assert_contains "$err" "db.js:19:29: no automatic fix:" || return 1
	# what is left is reported as by check, at its line in the fixed file
	assert_contains "$out" "db.js:19:29: error:" || return 1
	assert_not_contains "$out" "db.js:5:29" || return 1
	grep -q '} finally {' db.js || fail "the fixable function was not fixed"
}

test_fix_of_a_clean_file_changes_nothing() {
	safe_js db.js && cp db.js before.js
	expect_exit 0 "$PGLEAK_BIN" check --fix --quiet db.js || return 1
	cmp -s db.js before.js || fail "a clean file was rewritten"
}

# Item 4: the hook's message offers the fix, only for a finding it can fix;
# the command it shows, run as shown, fixes the file and the commit goes through.
test_hook_offers_the_fix_and_it_works() {
	source "$ROOT/tests/hook_lib.sh"
	new_repo || return 1
	mkdir -p src && fixable_js "src/order db.js" && git add "src/order db.js"
	commit_blocked || return 1
	assert_contains "$OUT" "fix: \`pgleak-hook check --fix 'src/order db.js'\`" || return 1
	local cmd; cmd=$(printf '%s\n' "$OUT" | sed -n "s/.*fix: \`pgleak-hook \(check --fix .*\)\` moves.*/\1/p")
	[ -n "$cmd" ] || fail "no command in: $OUT" || return 1
	eval "\"\$PGLEAK_BIN\" $cmd" 2>/dev/null || fail "the offered command failed: $cmd" || return 1
	git add "src/order db.js" && commit_ok
}

# A release method named in .pgleak.json: the hook plans the fix line with the configuration
# it judged the commit with, and `check --fix` (which reads it from the work tree) agrees.
test_hook_offers_the_fix_with_configured_release_names() {
	source "$ROOT/tests/hook_lib.sh"
	new_repo || return 1
	printf '{ "release": ["release", "giveBack"] }\n' >.pgleak.json
	fixable_js db.js && sed -i 's/client.release();/client.giveBack();/' db.js
	git add .pgleak.json db.js
	commit_blocked || return 1
	assert_contains "$OUT" "fix: \`pgleak-hook check --fix db.js\`" || return 1
	"$PGLEAK_BIN" check --fix db.js 2>/dev/null || fail "check --fix left a leak" || return 1
	assert_contains "$(cat db.js)" "    client.giveBack();" || return 1
	git add db.js && commit_ok
}

test_hook_offers_no_fix_for_what_it_cannot_fix() {
	source "$ROOT/tests/hook_lib.sh"
	new_repo || return 1
	{ js_pool_header; js_leaky_fn addUser; } >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "hint:" || return 1
	assert_not_contains "$OUT" "check --fix"
}

CORPUS=$SHARED/corpus
if [ -f "$CORPUS/expected.tsv" ]; then
# Every leaking acquisition of the corpus: fixed ones check clean afterwards
# (and their files parse: check would say so), refused ones leave their file
# byte-identical; the figures are printed.
test_fix_corpus() {
	cp -r "$CORPUS/cases" cases && cp -r "$CORPUS/cases" orig || return 1
	local total=0 fixed=0 refused=0 path line kind f err
	while IFS=$'\t' read -r path line kind; do
		[ "$path" = path ] && continue
		total=$((total + 1))
	done <"$CORPUS/expected.tsv"
	for f in $(tail -n +2 "$CORPUS/expected.tsv" | cut -f1 | sort -u); do
		( cd "$(dirname "$f")" && "$PGLEAK_BIN" check --fix --quiet "$(basename "$f")" >/dev/null 2>>"$OLDPWD/notes.txt" )
		[ $? -le 1 ] || fail "$f: check --fix failed: $(tail -n 3 notes.txt)" || return 1
	done
	grep -q 'pgleak-hook' notes.txt && fail "an error: $(grep pgleak-hook notes.txt)" && return 1
	fixed=$(grep -c ': fixed: ' notes.txt); refused=$(grep -c ': no automatic fix: ' notes.txt)
	echo "  corpus: $total leaking acquisitions, $fixed fixable and fixed, $refused refused with a reason"
	[ $((fixed + refused)) -eq "$total" ] || fail "$fixed + $refused is not $total: $(cat notes.txt)" || return 1
	[ "$fixed" -ge 8 ] || fail "only $fixed fixed (8 were before)" || return 1
	while IFS=$'\t' read -r path line kind; do
		[ "$path" = path ] && continue
		f=${path#cases/}
		if grep -q "^$(basename "$f"):$line:[0-9]*: fixed:" notes.txt; then
			err=$("$PGLEAK_BIN" check --format json "$path" 2>&1)
			[ $? -le 1 ] || fail "$path does not check after the fix: $err" || return 1
			printf '%s' "$err" | grep -q "\"line\": *$line," && fail "$path:$line still leaks after its fix: $err" && return 1
		elif ! grep -q "^$(basename "$f"):[0-9]*:[0-9]*: fixed:" notes.txt; then
			cmp -s "$path" "orig/$f" || fail "$path: refused, yet changed" || return 1
		fi
	done <"$CORPUS/expected.tsv"
	# the safe files are not touched at all
	for f in $(cd orig && find . -type f | sort); do
		grep -q "${f#./}" "$CORPUS/expected.tsv" && continue
		cmp -s "cases/$f" "orig/$f" || fail "safe file $f changed" || return 1
	done
}
else
	echo "NOT RUN fix:test_fix_corpus: no labelled corpus at $CORPUS (set SHARED=DIR to the folder holding corpus/)"
fi

run_tests
