#!/usr/bin/env bash
# tests/shapes.sh - code shapes of semantics v2 judged by every entry point.
#
# Each tests/shapes/NAME_{safe,leak}.{js,ts} is one shape: `check` must find a
# leak exactly in the _leak files, and a real `git commit` through the
# installed hook must agree (blocked for _leak, allowed for _safe), so the
# hook path and `check` cannot drift apart on a shape.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

SHAPES=$(cd "$(dirname "$0")/shapes" && pwd)

# judge FILE: 0 if the name says safe, 1 if it says leak
want_rc() { case $1 in *_leak.js|*_leak.ts) echo 1 ;; *) echo 0 ;; esac; }

test_check_judges_each_shape() {
	local f rc bad=0
	for f in "$SHAPES"/*.js "$SHAPES"/*.ts; do
		"$PGLEAK_BIN" check "$f" >out.txt 2>&1; rc=$?
		[ "$rc" = "$(want_rc "$f")" ] || { fail "check $(basename "$f") exited $rc: $(cat out.txt)"; bad=1; }
	done
	return $bad
}

test_commit_agrees_with_check_on_each_shape() {
	local f name bad=0
	new_repo || return 1
	for f in "$SHAPES"/*.js "$SHAPES"/*.ts; do
		name=$(basename "$f")
		cp "$f" "$name" && git add "$name" || return 1
		if [ "$(want_rc "$f")" = 1 ]; then
			commit_blocked || { fail "commit of $name was not blocked"; bad=1; }
			git rm -q --cached "$name" && rm -f "$name"
		else
			commit_ok || { fail "commit of $name was blocked"; bad=1; git rm -q --cached "$name"; rm -f "$name"; }
		fi
	done
	return $bad
}

# Helpers in another file reached through a relative require (semantics v2
# §6): the importer's verdict follows the helper module, by check and by a
# real commit of both files.
write_cross_file() { # KEEP|RELEASE
	local body='c.release();'
	[ "$1" = KEEP ] && body="console.log(c.processID);"
	cat >helpers.js <<JS
function done(c) { $body }
module.exports = { done, tx: { end: (c) => done(c) } };
JS
	cat >orders.js <<'JS'
const { Pool } = require('pg');
const h = require('./helpers');
const pool = new Pool();
async function total(id) {
  const c = await pool.connect();
  try {
    return await c.query('SELECT $1', [id]);
  } finally {
    h.tx.end(c);
  }
}
module.exports = { total };
JS
}

# `check` and the hook share the default cache: a function `check` reused
# (or stored) must still carry the helper file it depends on, so the hook
# sees the helper change (this once let the commit through).

test_helper_through_required_module() {
	new_repo || return 1
	write_cross_file RELEASE
	expect_exit 0 "$PGLEAK_BIN" check orders.js || return 1
	git add helpers.js orders.js && commit_ok || { fail "commit with a releasing helper was blocked"; return 1; }
	write_cross_file KEEP
	expect_exit 1 "$PGLEAK_BIN" check orders.js || return 1
	git add helpers.js && commit_blocked || { fail "a helper that stopped releasing was not blocked"; return 1; }
}

run_tests
