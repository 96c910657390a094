# tests/lib.sh - the tiny test harness every tests/*.sh file sources.
#
# A test file defines functions named test_*; `run_tests` (its last line)
# runs each in a subshell, inside a fresh temporary directory, and prints
# "ok NAME" or "FAIL NAME" followed by the test's output.  A test fails when
# it returns non-zero; `fail MSG` says why.  tests/run.sh counts the lines.
#
# Environment: PGLEAK_BIN (the binary under test), SHARED (../shared),
# ROOT (the project's root).

set -u
: "${PGLEAK_BIN:?PGLEAK_BIN must name the binary under test}"
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SHARED=${SHARED:-$(cd "$ROOT/../shared" 2>/dev/null && pwd || echo "$ROOT/../shared")}
export ROOT SHARED PGLEAK_BIN
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=${TEST_HOME:-$(mktemp -d)}
git config --global init.defaultBranch main 2>/dev/null
git config --global advice.detachedHead false 2>/dev/null
unset NO_COLOR PGLEAK_SKIP PGLEAK_CACHE_DIR GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE

fail() { echo "  $*" >&2; return 1; }

# make_plain ARGS...: make ARGS for an ordinary build in build/ (make static,
# make npm-pack), without what `make test SANITIZE=1` passes down in
# MAKEFLAGS: otherwise SANITIZE=1 reaches this make too and puts
# sanitizer-instrumented objects into build/, which a static link cannot use.
make_plain() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@" SANITIZE=
}

# expect_exit CODE CMD... : runs CMD, fails unless it exits with CODE.
expect_exit() {
	local want=$1 got; shift
	"$@"; got=$?
	[ "$got" = "$want" ] || fail "expected exit $want, got $got from: $*"
}

# assert_contains HAYSTACK NEEDLE
assert_contains() {
	case $1 in *"$2"*) return 0 ;; esac
	fail "expected to find '$2' in: $(printf '%s' "$1" | head -c 2000)"
}

assert_not_contains() {
	case $1 in *"$2"*) fail "did not expect '$2' in: $(printf '%s' "$1" | head -c 2000)"; return 1 ;; esac
	return 0
}

assert_eq() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'"
}

# leaky_js FILE [FUNCTION [METHOD]]: a file whose one function checks a client out with
# pool.METHOD() (default connect) at line 5, queries, and returns without releasing it.
leaky_js() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<EOF
const { Pool } = require('pg');
const pool = new Pool();

async function ${2:-load}(id) {
  const client = await pool.${3:-connect}();
  const { rows } = await client.query('SELECT 1 WHERE \$1', [id]);
  return rows;
}
module.exports = { ${2:-load} };
EOF
}

# safe_js FILE: the twin of leaky_js, a file whose client is released in a finally.
safe_js() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();

async function load(id) {
  const client = await pool.connect();
  try {
    return (await client.query('SELECT 1 WHERE $1', [id])).rows;
  } finally {
    client.release();
  }
}
module.exports = { load };
EOF
}

# libgit2 1.5.1 leaks pcre2 match data in git_repository_open_ext when it checks the
# extensions of a repositoryformatversion 1 repository (a partial clone, a SHA-256 one):
# not ours, so LeakSanitizer is told to pass it over.  pcre2 is in libpcre2-8.so with a
# shared libgit2 (the fast unwinder stops inside it: the module is named) and in the
# binary itself when libgit2 is linked in (LINK=mixed: its functions are named).
suppress_libgit2_pcre2_leak() {
	printf 'leak:libpcre2-8.so\nleak:pcre2_\n' >"$PWD/lsan.supp"
	export LSAN_OPTIONS="suppressions=$PWD/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
}

# assert_sound_exit RC ERRFILE WHAT LIMIT: fails when a run under `timeout LIMIT` timed out,
# died of a signal, or left a sanitizer report in ERRFILE (its stderr).
assert_sound_exit() {
	local rc=$1 err=$2 what=$3 limit=$4
	if [ "$rc" -eq 124 ]; then
		fail "$what: no answer within $limit s ($(tail -c 500 "$err"))"
		return 1
	fi
	if [ "$rc" -ge 128 ]; then
		fail "$what: killed by signal $((rc - 128)): $(tail -c 1500 "$err")"
		return 1
	fi
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$err"; then
		fail "$what: sanitizer report: $(head -c 3000 "$err")"
		return 1
	fi
	return 0
}

run_tests() {
	local t out rc dir
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${TEST_FILTER:-}" ] && ! printf '%s' "$t" | grep -q -- "$TEST_FILTER"; then
			continue
		fi
		dir=$(mktemp -d)
		out=$( (cd "$dir" && "$t") 2>&1 ); rc=$?
		rm -rf "$dir"
		if [ $rc -eq 0 ]; then
			echo "ok $(basename "$0" .sh):$t"
		else
			echo "FAIL $(basename "$0" .sh):$t"
			printf '%s\n' "$out" | tail -n 40 | sed 's/^/    /'
		fi
	done
}
