#!/usr/bin/env bash
# tests/hook_narrow.sh - the staged diff follows only the folders that
# changed (diff/staged.c, diff_to_index): the index's cache-tree vouches for
# the others, whose trees in HEAD are never read, while moves, deletions and
# a file turned into a folder are seen as with a full diff, with index
# versions 2 and 4.
#
# Files are dated in the past before they are staged: git re-hashes a file
# as new as the index ("racily clean") on `git add -A`, which drops the
# cache-tree of its folders, and that is not what these tests are about.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

old_files() { find . -path ./.git -prune -o -type f -exec touch -d '2 days ago' {} +; }

# The introduced findings of a json report, one "path function" a line, sorted.
introduced() {
	python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["introduced"]: print(f["path"], f["function"])' "$1" | sort
}

# A folder the commit does not touch: its tree object removed from the store, the hook
# still judges the change (a full tree-to-index diff would fail on the missing tree).
test_unchanged_folder_tree_not_read() {
	new_repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	mkdir -p lib/deep src || return 1
	for i in 1 2 3; do printf 'export const x%s = %s;\n' "$i" "$i" >lib/deep/f$i.js; done
	{ js_pool_header; js_safe_fn a; } >src/db.js
	old_files && git add -A && git commit -q -m base || return 1
	{ js_pool_header; js_safe_fn a; js_leaky_fn b; } >src/db.js && old_files && git add -A || return 1
	local tree
	tree=$(git rev-parse HEAD:lib) || return 1
	[ -f .git/objects/${tree:0:2}/${tree:2} ] || fail "lib's tree is not a loose object" || return 1
	rm -f .git/objects/${tree:0:2}/${tree:2}
	git cat-file -e "$tree" 2>/dev/null && { fail "lib's tree is still readable"; return 1; }
	"$PGLEAK_BIN" run --format json >r.json 2>err; assert_eq "$?" 1 || { cat r.json err; return 1; }
	assert_eq "$(introduced r.json)" "src/db.js b" || return 1
	commit_blocked
}

# One commit with every kind of change across folders, judged alike with index v2 and v4.
test_moves_deletes_and_typechanges() {
	new_repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	mkdir -p a c/gone b || return 1
	{ js_pool_header; js_leaky_fn oldLeak; js_safe_fn s1; js_safe_fn s2; } >a/legacy.js
	{ js_pool_header; js_leaky_fn goneLeak; } >c/gone/x.js
	{ js_pool_header; js_safe_fn keep; } >b/keep.js
	{ js_pool_header; js_safe_fn asFile; } >d
	old_files && git add -A && git commit -q --no-verify -m base || return 1
	# a/legacy.js moves two folders down with a small change: its leak stays the old one
	mkdir -p e/deeper && git mv a/legacy.js e/deeper/legacy.js && sed -i 's/SELECT 1/SELECT 3/' e/deeper/legacy.js
	git rm -q -r c || return 1
	# the file d becomes a folder holding a leak; a new folder three deep holds another
	git rm -q d && mkdir -p d f/g && { js_pool_header; js_leaky_fn inD; } >d/new.js
	{ js_pool_header; js_leaky_fn deepNew; } >f/g/h.ts
	old_files && git add -A || return 1
	local want
	want=$(printf 'd/new.js inD\nf/g/h.ts deepNew')
	"$PGLEAK_BIN" run --format json >r2.json 2>err; assert_eq "$?" 1 || { cat r2.json err; return 1; }
	assert_eq "$(introduced r2.json)" "$want" || return 1
	git update-index --index-version 4 || return 1
	assert_eq "$(head -c 8 .git/index | tail -c 1 | od -An -tu1 | tr -d ' ')" 4 || return 1
	"$PGLEAK_BIN" run --format json >r4.json 2>err; assert_eq "$?" 1 || { cat r4.json err; return 1; }
	assert_eq "$(introduced r4.json)" "$want" || return 1
	commit_blocked || return 1
	assert_not_contains "$OUT" "oldLeak" || return 1
	assert_not_contains "$OUT" "goneLeak"
}

# Only an unchanged folder in the commit's index (a commit of a mode change elsewhere):
# nothing to judge, and the diff of no paths is empty, not "every path".
test_nothing_changed_in_sources() {
	new_repo || return 1
	mkdir -p lib && { js_pool_header; js_leaky_fn oldLeak; } >lib/old.js && printf 'x\n' >run.sh
	old_files && git add -A && git commit -q --no-verify -m base || return 1
	chmod +x run.sh && git add run.sh || return 1
	"$PGLEAK_BIN" run --format json >r.json 2>err; assert_eq "$?" 0 || { cat r.json err; return 1; }
	assert_eq "$(introduced r.json)" "" || return 1
	commit_ok
}

run_tests
