# tests/hook_lib.sh - helpers shared by the tests/hook_*.sh files (sourced,
# after lib.sh): small repositories with the real hook installed, JS/TS
# sources that leak or not, and assertions on what `git commit` did.
# Run on its own (tests/run.sh runs every *.sh) it does nothing.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

# A file with one safe function (try/finally) and, with "leaky", one that never releases.
js_pool_header() {
	printf "import { Pool } from 'pg';\n\nconst pool = new Pool();\n"
}
js_safe_fn() { # NAME
	printf '\nexport async function %s(id) {\n  const client = await pool.connect();\n  try {\n    return await client.query('"'"'SELECT 1 WHERE $1'"'"', [id]);\n  } finally {\n    client.release();\n  }\n}\n' "$1"
}
js_leaky_fn() { # NAME
	printf '\nexport async function %s(id) {\n  const client = await pool.connect();\n  return client.query('"'"'SELECT 2 WHERE $1'"'"', [id]);\n}\n' "$1"
}

# new_repo: a repository in ./repo (cwd moves there) with one safe file committed
# and the hook installed by the binary under test.
new_repo() {
	git init -q repo && cd repo || return 1
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add users.js && git commit -q -m init || return 1
	"$PGLEAK_BIN" install >/dev/null || fail "install failed"
}

head_id() { git rev-parse -q --verify HEAD 2>/dev/null || echo none; }

# commit_blocked ARGS...: `git commit ARGS` must fail with the hook's exit 1 and leave HEAD.
commit_blocked() {
	local before after rc
	before=$(head_id)
	OUT=$(git commit -q -m change "$@" 2>&1); rc=$?
	after=$(head_id)
	[ $rc -ne 0 ] || { fail "commit $* was allowed; output: $OUT"; return 1; }
	[ "$before" = "$after" ] || { fail "HEAD moved although the commit failed"; return 1; }
	# blocked for a leak, not by an internal error (which blocks too, with exit 2)
	assert_contains "$OUT" "introduced" || return 1
	assert_not_contains "$OUT" "could not run" || return 1
	assert_contains "$OUT" "git commit --no-verify"
}

# commit_ok ARGS...: `git commit ARGS` must succeed and move HEAD.
commit_ok() {
	local before after rc
	before=$(head_id)
	OUT=$(git commit -q -m change "$@" 2>&1); rc=$?
	after=$(head_id)
	[ $rc -eq 0 ] || { fail "commit $* was blocked (exit $rc): $OUT"; return 1; }
	[ "$before" != "$after" ] || fail "HEAD did not move"
}
