#!/usr/bin/env bash
# tests/ci_recipe.sh - the README's GitHub Actions recipes (issue 12, item 5)
# run as far as this machine allows: each yaml block after a
# `<!-- ci-recipe` line has its `run:` lines executed as a runner would
# (bash -e -o pipefail, in a clone with the base branch fetched), with
# `${{ github.base_ref }}` replaced by the base branch and
# https://registry.npmjs.org by the local registry of tests/npm_lib.sh
# serving the tarballs of `make npm-pack`.  A pull request that adds a leak
# must fail with diff --ci's message, a safe one pass.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"
source "$(dirname "$0")/npm_lib.sh"

# recipe N: the run: lines of the README's Nth ci-recipe block, ready to run here.
recipe() {
	awk -v n="$1" '
		/^<!-- ci-recipe/ { k++; want = (k == n); next }
		want && /^```yaml/ { inblock = 1; next }
		inblock && /^```/ { exit }
		inblock && /^ *(- )?run: / { sub(/^ *(- )?run: /, ""); print }' "$ROOT/README.md" |
		sed -e 's/\${{ github\.base_ref }}/main/g' -e "s#https://registry.npmjs.org#$REGISTRY#g"
}

# pull_request safe|leaky: ./origin.git with main, ./pr a clone on a branch that adds a
# safe or a leaking function, as actions/checkout with fetch-depth: 0 leaves it.
pull_request() {
	git init -q --bare origin.git && git init -q base && cd base || return 1
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add users.js && git commit -q -m base && git push -q ../origin.git HEAD:main || return 1
	cd .. && git clone -q origin.git pr && cd pr || return 1
	git checkout -q -b feature
	if [ "$1" = leaky ]; then js_leaky_fn addUser >>users.js; else js_safe_fn addUser >>users.js; fi
	git commit -q -am "add addUser"
}

# run_recipe N: runs recipe N in ./pr; sets RC and ERR (its stderr).
run_recipe() {
	local script
	script=$(recipe "$1")
	[ -n "$script" ] || { fail "README has no ci-recipe block $1"; return 1; }
	assert_contains "$script" "$PG_VERSION" || { fail "README's recipe $1 does not name version $PG_VERSION"; return 1; }
	mkdir -p ../runner-temp
	RUNNER_TEMP=$PWD/../runner-temp bash -e -o pipefail -c "$script" 2>../recipe.err; RC=$?
	ERR=$(cat ../recipe.err)
}

recipe_case() { # N safe|leaky
	command -v curl >/dev/null || { fail "curl is not installed"; return 1; }
	npm_registry_up || return 1
	pull_request "$2" || return 1
	run_recipe "$1" || return 1
	if [ "$2" = leaky ]; then
		[ "$RC" -eq 1 ] || { fail "recipe $1: expected exit 1 for a leak, got $RC: $ERR"; return 1; }
		assert_contains "$ERR" "push again" || return 1
		assert_not_contains "$ERR" "--no-verify"
	else
		[ "$RC" -eq 0 ] || fail "recipe $1: expected exit 0 for a safe change, got $RC: $ERR"
	fi
}

test_ci_recipe_npx_fails_on_a_leak() { recipe_case 1 leaky; }
test_ci_recipe_npx_passes_a_safe_change() { recipe_case 1 safe; }
test_ci_recipe_static_download_fails_on_a_leak() { recipe_case 2 leaky; }
test_ci_recipe_static_download_passes_a_safe_change() { recipe_case 2 safe; }

test_ci_recipe_sarif_names_the_leak() {
	npm_registry_up || return 1
	pull_request leaky || return 1
	run_recipe 3 || return 1
	[ "$RC" -eq 1 ] || { fail "expected exit 1 (continue-on-error lets the upload run), got $RC: $ERR"; return 1; }
	assert_eq "$(jq '.runs[0].results | length' pgleak.sarif)" 1 || return 1
	assert_eq "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' pgleak.sarif)" "users.js"
}

run_tests
