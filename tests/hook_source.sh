#!/usr/bin/env bash
# tests/hook_source.sh - issue 11 items 1, 2 and 5: which files a commit checks
# is decided by path and configuration alone, as for `check`, so a NUL byte, a
# HEAD version git took for binary, or a rename from a non-JS name hides nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# 1. a .js whose comment holds a NUL byte is checked (git's binary guess does not skip it).
test_nul_byte_in_comment_checked() {
	new_repo || return 1
	{ printf '// note \0 here\n'; js_pool_header; js_leaky_fn nulLeak; } >nul.js && git add nul.js
	commit_blocked || return 1
	assert_contains "$OUT" "nulLeak"
}

# 2. HEAD's version was binary, the staged one is text with a leak: blocked.
test_binary_head_to_text_leak_blocked() {
	new_repo || return 1
	printf '\0\1\2\3binary\0\377\376' >blob.js && git add blob.js
	git commit -q --no-verify -m "binary" || return 1
	{ js_pool_header; js_leaky_fn wasBinary; } >blob.js && git add blob.js
	commit_blocked || return 1
	assert_contains "$OUT" "wasBinary"
}

# 5. a leaking file renamed from .txt to .js (contents unchanged) is new code: blocked.
test_rename_txt_to_js_is_new_code() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn renamedLeak; } >notes.txt && git add notes.txt
	git commit -q -m "text" || return 1
	git mv notes.txt notes.js || return 1
	commit_blocked || return 1
	assert_contains "$OUT" "renamedLeak"
}

# 5b. a pure rename between JS names keeps the old findings: an old leak does not block.
test_rename_js_to_js_keeps_baseline() {
	new_repo || return 1
	{ js_pool_header; js_leaky_fn oldLeak; } >old.js && git add old.js
	git commit -q --no-verify -m "old leak" || return 1
	git mv old.js new.js || return 1
	commit_ok
}

run_tests
