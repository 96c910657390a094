#!/usr/bin/env bash
# tests/corpus.sh - the labelled corpus of ../shared/corpus, scored with the
# project's own scorer (../shared/tools/score-corpus).
#
# Three views of one run, so that a failure says what went wrong: the whole
# score must be f1 1.000; each miss and false alarm is listed with the kind
# that expected.tsv gives it; and where a leak is found at the right line, its
# kind must be the labelled one too (the scorer matches path and line only).
source "$(dirname "$0")/lib.sh"

CORPUS=$SHARED/corpus
SCORER=$SHARED/tools/score-corpus

# The corpus is not part of this repository: in a clone without it these
# tests do not run, and say so on a line tests/run.sh counts ("not run"),
# rather than failing for a reason that is only about this machine.
if [ ! -f "$CORPUS/expected.tsv" ] || [ ! -f "$SCORER" ]; then
	echo "NOT RUN corpus: no labelled corpus at $CORPUS (set SHARED=DIR to the folder holding corpus/ and tools/score-corpus)"
	exit 0
fi

# score: runs the scorer once per test into score.txt; returns its exit code.
score() {
	[ -x "$SCORER" ] || [ -f "$SCORER" ] || fail "no scorer at $SCORER" || return 1
	[ -f "$CORPUS/expected.tsv" ] || fail "no corpus at $CORPUS" || return 1
	timeout 300 python3 "$SCORER" "$@" "$PGLEAK_BIN" "$CORPUS" >score.txt 2>&1
}

test_corpus_f1_is_1() {
	local rc last
	score --min-f1 1.0; rc=$?
	last=$(tail -n 1 score.txt)
	echo "  $last"
	[ "$rc" -eq 0 ] || fail "score-corpus --min-f1 1.0 exited $rc (test_corpus_no_miss_no_false_alarm lists what is wrong)" || return 1
	assert_contains "$last" "f1 1.000"
}

test_corpus_no_miss_no_false_alarm() {
	score
	grep -q '^precision ' score.txt || fail "the scorer gave no figures: $(tail -n 5 score.txt)" || return 1
	python3 - "$CORPUS/expected.tsv" score.txt <<'PY'
import os, sys
kinds = {}
with open(sys.argv[1]) as f:
    next(f)
    for row in f:
        if row.strip():
            path, line, kind = row.rstrip("\n").split("\t")[:3]
            kinds[(os.path.normpath(path), int(line))] = kind
bad = []
for row in open(sys.argv[2]):
    if row.startswith(("missed", "false alarm")):
        where = row.split()[-1]
        path, line = where.rsplit(":", 1)
        kind = kinds.get((os.path.normpath(path), int(line)))
        label = "labelled " + kind if kind else "no leak labelled at this line"
        bad.append("  %s  [%s]" % (row.rstrip(), label))
if bad:
    print("\n".join(bad))
    print("  %d wrong of %d labelled leaks" % (len(bad), len(kinds)))
    sys.exit(1)
PY
}

test_corpus_kinds_match_labels() {
	local rc
	(cd "$CORPUS" && timeout 300 "$PGLEAK_BIN" check --format json cases) >out.json 2>err.txt
	rc=$?
	[ "$rc" -eq 1 ] || fail "check on the corpus exited $rc, expected 1 (findings): $(tail -c 800 err.txt)" || return 1
	python3 - "$CORPUS/expected.tsv" out.json <<'PY'
import json, os, sys
kinds = {}
with open(sys.argv[1]) as f:
    next(f)
    for row in f:
        if row.strip():
            path, line, kind = row.rstrip("\n").split("\t")[:3]
            kinds[(os.path.normpath(path), int(line))] = kind
bad = []
for x in json.load(open(sys.argv[2]))["findings"]:
    key = (os.path.normpath(x["path"]), int(x["line"]))
    if key in kinds and kinds[key] != x["kind"]:
        bad.append("  %s:%d: kind %s, labelled %s" % (key[0], key[1], x["kind"], kinds[key]))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
}

run_tests
