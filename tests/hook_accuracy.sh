#!/usr/bin/env bash
# tests/hook_accuracy.sh - issue 9's shapes judged alike by `check` and by the
# hook (`run` on the staged index, a real `git commit`): each shape has a
# leaking version that both report and a safe twin that both accept.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# A TypeScript function whose pool is a parameter typed NAME, imported by HEAD.
ts_typed_pool_fn() { # HEAD TYPE SAFE(0|1)
	printf '%s\n\nexport async function load(db: %s) {\n  const c = await db.connect();\n' "$1" "$2"
	if [ "$3" = 1 ]; then
		printf '  try {\n    await c.foo();\n  } finally {\n    c.release();\n  }\n}\n'
	else
		printf '  await c.foo();\n}\n'
	fi
}

# check, run and git commit agree on FILE (staged): all report, or none does.
agree_on() { # FILE LEAKS(0|1)
	local out rc
	out=$("$PGLEAK_BIN" check "$1" 2>&1); rc=$?
	[ $rc -eq "$2" ] || { fail "check $1: expected exit $2, got $rc: $out"; return 1; }
	out=$("$PGLEAK_BIN" run 2>&1); rc=$?
	[ $rc -eq "$2" ] || { fail "run: expected exit $2, got $rc: $out"; return 1; }
	if [ "$2" = 1 ]; then
		commit_blocked || return 1
		assert_contains "$OUT" "load"
	else
		commit_ok
	fi
}

# item 7: `Pool`, a renamed type-only import and `pg.Pool` prove the parameter a pool.
test_typed_pool_parameter_leaks_everywhere() {
	local spec
	new_repo || return 1
	for spec in "import { Pool } from 'pg';|Pool" "import type { Pool as PgPool } from 'pg';|PgPool" \
	            "import * as pg from 'pg';|pg.Pool"; do
		ts_typed_pool_fn "${spec%|*}" "${spec#*|}" 0 >load.ts && git add load.ts
		agree_on load.ts 1 || { fail "type ${spec#*|}"; return 1; }
	done
}

test_typed_pool_parameter_safe_twin_commits() {
	new_repo || return 1
	ts_typed_pool_fn "import { Pool } from 'pg';" Pool 1 >load.ts && git add load.ts
	agree_on load.ts 0
}

# a type of the same name from another package proves nothing.
test_pool_type_from_other_package_not_proven() {
	new_repo || return 1
	ts_typed_pool_fn "import { Pool } from 'undici';" Pool 0 >load.ts && git add load.ts
	agree_on load.ts 0
}

# item 8: a top-level client kept by an exported function commits; the commit
# that removes the last exported use (no line of <module> itself changes) is
# blocked by the hook as check reports it.
test_module_client_last_use_removed_is_blocked() {
	local out rc
	new_repo || return 1
	cp "$ROOT/tests/shapes/module_client_safe.js" m.js || return 1
	git add m.js && commit_ok || return 1
	sed -i -e 's/await client.query/await pool.query/' -e 's/^  client.release();$//' m.js
	git add m.js
	out=$("$PGLEAK_BIN" check m.js 2>&1); rc=$?
	[ $rc -eq 1 ] || { fail "check: expected 1, got $rc: $out"; return 1; }
	assert_contains "$out" "m.js:6:" || return 1
	commit_blocked || return 1
	assert_contains "$OUT" "<module>"
}

# item 9: a pool imported through a tsconfig alias (paths from an extended JSONC
# config) is proven in check, run and commit alike; changing only the aliased
# module re-checks its importer (the importer scan maps the alias the same way).
alias_repo() {
	new_repo || return 1
	mkdir -p src/lib src/routes
	printf '{\n  // shared\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"], }, },\n}\n' >tsconfig.base.json
	printf '{ "extends": "./tsconfig.base.json" }\n' >tsconfig.json
	printf "import { makeBroker } from './broker';\nexport const pool = makeBroker();\n" >src/lib/db.ts
	git add tsconfig.json tsconfig.base.json src/lib/db.ts && git commit -q -m config || return 1
}

alias_user() { # SAFE(0|1)
	printf "import { pool } from '@/lib/db';\n\nexport async function load() {\n  const c = await pool.connect();\n"
	if [ "$1" = 1 ]; then
		printf '  try {\n    await c.copy();\n  } finally {\n    c.release();\n  }\n}\n'
	else
		printf '  await c.copy();\n}\n'
	fi
}

test_pool_through_alias_agrees() {
	alias_repo || return 1
	printf "import { Pool } from 'pg';\nexport const pool = new Pool();\n" >src/lib/db.ts && git add src/lib/db.ts && commit_ok || return 1
	alias_user 0 >src/routes/users.ts && git add src/routes/users.ts
	agree_on src/routes/users.ts 1 || return 1
	alias_user 1 >src/routes/users.ts && git add src/routes/users.ts
	agree_on src/routes/users.ts 0
}

test_aliased_module_change_rechecks_importer() {
	local out rc
	alias_repo || return 1
	alias_user 0 >src/routes/users.ts && git add src/routes/users.ts && commit_ok || return 1
	printf "import { Pool } from 'pg';\nexport const pool = new Pool();\n" >src/lib/db.ts && git add src/lib/db.ts
	commit_blocked || return 1
	assert_contains "$OUT" "users.ts" || return 1
	out=$("$PGLEAK_BIN" check src/routes/users.ts 2>&1); rc=$?
	[ $rc -eq 1 ] || { fail "check: expected 1, got $rc: $out"; return 1; }
}

run_tests
