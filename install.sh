#!/bin/sh
# install.sh - installs pgleak-hook from this source tree on a Debian machine.
#
#   ./install.sh                 packages, build, install to /usr/local, demo
#   PREFIX=$HOME/.local ./install.sh    the same, installed under ~/.local/bin
#   ./install.sh --deps-only     only the Debian packages
#   ./install.sh --no-demo       everything but the closing demo
#   ./install.sh --no-test-deps  without jq, pre-commit, strace, procps, neovim, curl (only `make test` uses them)
#
# How it works: each needed Debian package is checked with `dpkg -s` (and,
# for the tools, with `command -v`, because Node.js from another source
# brings its own npm); only when something is missing does it run
# `apt-get update` once and `apt-get install` the missing ones, through sudo
# when not root.  Then `make` (which fetches the pinned grammars from the npm
# registry and checks their sha512), `make install PREFIX=...`, and a demo in
# a throwaway git repository: the hook blocks a leaking commit and lets the
# fixed one through.  Running it again changes nothing that is already done.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
PREFIX=${PREFIX:-/usr/local}
deps_only=0
demo=1
test_deps=1

say() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

for arg in "$@"; do
	case $arg in
	--deps-only) deps_only=1 ;;
	--no-demo) demo=0 ;;
	--no-test-deps) test_deps=0 ;;
	-h | --help)
		sed -n '2,9s/^# \{0,1\}//p' "$0"
		exit 0 ;;
	*) die "unknown option '$arg' (try --help)" ;;
	esac
done

# as_root CMD...: runs CMD as root, through sudo when we are not root.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "'$*' needs root: run this script as root or install sudo"
	fi
}

# --- 1. Debian packages -------------------------------------------------
# package[:command]: with a command, the package counts as present when the
# command is already on PATH (e.g. npm shipped by a NodeSource nodejs).
need="build-essential:cc make:make libc6-dev pkg-config:pkg-config
libgit2-dev libxxhash-dev libtree-sitter-dev libgpg-error-dev git:git npm:npm openssl:openssl
python3:python3 ca-certificates"
# Only the tests need these: jq reads JSON in shell tests, pre-commit is the
# real framework the hook is tested under, strace interrupts runs at each of
# the cache's writes and pgrep finds the hook to signal (tests/faults.sh);
# neovim is the real LSP client of tests/lsp.sh; curl fetches the static
# binary in the README's CI recipe (tests/ci_recipe.sh).  The npm tests use
# the npm above (Debian's brings nodejs) and python3 (their local registry).
if [ "$test_deps" -eq 1 ]; then need="$need jq:jq pre-commit:pre-commit strace:strace procps:pgrep neovim:nvim curl:curl"; fi

missing=""
for item in $need; do
	pkg=${item%%:*}
	cmd=${item#*:}
	[ "$cmd" = "$item" ] && cmd=""
	if dpkg -s "$pkg" >/dev/null 2>&1; then
		continue
	fi
	if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then
		continue
	fi
	missing="$missing $pkg"
done

if [ -n "$missing" ]; then
	command -v apt-get >/dev/null 2>&1 ||
		die "missing packages:$missing; this script installs them with apt-get (Debian 12); install them by hand, then run it again"
	if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
		die "missing Debian packages:$missing; installing them needs root: run this script as root, or run 'apt-get install$missing' as root first"
	fi
	say "installing Debian packages:$missing"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086 # one word per package
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
else
	say "Debian packages: all present"
fi

# Debian 12's tree-sitter runtime loads grammar ABI 13-14, which the pinned
# grammars are (README: "Why this tree-sitter runtime").
if ! grep -qs 'define TREE_SITTER_LANGUAGE_VERSION 1[45]' /usr/include/tree_sitter/api.h; then
	die "libtree-sitter-dev must load grammar ABI 14 (Debian 12 ships 0.20.7, which does)"
fi

[ "$deps_only" -eq 1 ] && { say "dependencies done (--deps-only)"; exit 0; }

# --- 2. build -------------------------------------------------------------
jobs=$(nproc 2>/dev/null || echo 1)
say "building (make -j$jobs; the first build fetches the pinned grammars with npm pack)"
make -j"$jobs" || die "the build failed: see the messages above"

# --- 3. install -------------------------------------------------------------
bindir="$PREFIX/bin"
say "installing $bindir/pgleak-hook"
if mkdir -p "$bindir" 2>/dev/null && [ -w "$bindir" ]; then
	make install PREFIX="$PREFIX"
else
	as_root make install PREFIX="$PREFIX"
fi
bin="$bindir/pgleak-hook"
"$bin" --version || die "the installed $bin does not run"
case ":$PATH:" in
*":$bindir:"*) ;;
*) say "note: $bindir is not on your PATH; add it, e.g. export PATH=\"$bindir:\$PATH\"" ;;
esac

[ "$demo" -eq 1 ] || exit 0

# --- 4. demo ---------------------------------------------------------------
# A throwaway repository with its own HOME, so that no global git setting
# (a global core.hooksPath, commit signing) is touched or gets in the way.
# The subshell stops at the first failing command (set -e); the trap then
# says that the demo, not the installation, failed.
demo_dir=$(mktemp -d "${TMPDIR:-/tmp}/pgleak-demo.XXXXXX")
demo_ok=0
finish() {
	rm -rf "$demo_dir"
	[ "$demo_ok" -eq 1 ] ||
		echo "install.sh: the demo failed (pgleak-hook itself is installed in $bindir)" >&2
}
trap finish EXIT
trap 'exit 1' INT TERM
say "demo in $demo_dir"
(
	export HOME="$demo_dir/home" GIT_CONFIG_NOSYSTEM=1 PATH="$bindir:$PATH"
	unset XDG_CONFIG_HOME GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE PGLEAK_SKIP PGLEAK_CACHE_DIR
	mkdir -p "$HOME" "$demo_dir/repo"
	cd "$demo_dir/repo"
	git init -q
	git config user.name "pgleak demo"
	git config user.email demo@example.invalid
	git config commit.gpgsign false

	say "\$ pgleak-hook install"
	pgleak-hook install

	cat >orders.js <<'EOF'
const { Pool } = require('pg');

const pool = new Pool();

async function orderTotal(orderId) {
  const client = await pool.connect();
  const { rows } = await client.query(
    'SELECT sum(amount) AS total FROM order_lines WHERE order_id = $1',
    [orderId],
  );
  client.release();
  return rows[0].total;
}

module.exports = { orderTotal };
EOF
	git add orders.js
	say "\$ git commit -m 'Order totals'   (the release is skipped when the query throws)"
	if git commit -q -m "Order totals"; then
		echo "install.sh: demo FAILED: the hook let a leaking commit through" >&2
		exit 1
	fi
	say "the commit was blocked, as it should be"

	cat >orders.js <<'EOF'
const { Pool } = require('pg');

const pool = new Pool();

async function orderTotal(orderId) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query(
      'SELECT sum(amount) AS total FROM order_lines WHERE order_id = $1',
      [orderId],
    );
    return rows[0].total;
  } finally {
    client.release();
  }
}

module.exports = { orderTotal };
EOF
	git add orders.js
	say "\$ git commit -m 'Order totals'   (release moved into finally)"
	if ! git commit -q -m "Order totals"; then
		echo "install.sh: demo FAILED: the hook blocked the fixed commit" >&2
		exit 1
	fi
	git log --oneline
	say "the fixed version was committed"
)
demo_ok=1

say "done: run 'pgleak-hook install' in a repository to protect its commits"
