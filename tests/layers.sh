#!/usr/bin/env bash
# tests/layers.sh - the dependencies of the C code run one way.
#
# The folders are layers, lowest first:
#   core      errors, buffers, JSON, the shared types (util, json, types, findings)
#   analysis  parsing, units, graphs, the leak analysis (analysis/analyser.h)
#   cache     the on-disk store of bytes under keys
#   reuse     what is reused and stored: keys, dependency lists, records (the engine)
#   diff      git: the index, trees, what a change touches
#   hook      the commands and main
# A file may use its own layer and the ones below it, never one above.
# Checked twice, on what the code says and on what it does:
#   - the include graph of every .c and .h (#include "x.h" resolved in the
#     folders the Makefile puts on the include path): no arrow to a higher
#     layer, no cycle of headers; libgit2 (<git2.h>) only in diff and hook,
#     tree-sitter only in analysis;
#   - the link graph of the built objects (a file that calls a function
#     defined in another file depends on it; nm(1) of $OUT/<folder>/*.o):
#     no arrow to a higher layer, and no cycle between two files, except
#     the one mutual recursion the analysis is built on (the builder asks
#     for helper summaries, which run the builder: build.c and leak.c).
# Each check also runs on a planted violation, so that it is seen to fail.
. "$(dirname "$0")/lib.sh"

OBJ_DIR=$(dirname "$PGLEAK_BIN")

# check_layers SRC_ROOT OBJ_ROOT: prints each violation, exits 1 when there is one.
check_layers() {
	python3 - "$1" "$2" <<'EOF'
import os, re, subprocess, sys
root, objroot = sys.argv[1], sys.argv[2]
layers = ["core", "analysis", "cache", "reuse", "diff", "hook"]
rank = {l: i for i, l in enumerate(layers)}
allowed_cycles = [{"analysis/build.c", "analysis/leak.c"}]
# hook/notls.c becomes hook/notls.o when libgit2 is shared and packaging/notls-wrap.o when it
# is linked in (the Makefile's LINK): either object is the file's
other_objects = {"hook/notls.c": ["packaging/notls-wrap.o"]}
system_only = {"git2.h": {"diff", "hook"}, "tree_sitter/": {"analysis"}}
bad = []

files = {}  # relative path -> layer
for l in layers:
    d = os.path.join(root, l)
    for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if f.endswith((".c", ".h")):
            files[l + "/" + f] = l
by_name = {}
for f in files:
    by_name.setdefault(os.path.basename(f), []).append(f)
for n, fs in by_name.items():
    if n.endswith(".h") and len(fs) > 1:
        bad.append("header %s exists in %s: #include \"%s\" is ambiguous" % (n, " and ".join(fs), n))

inc = {}
for f, l in files.items():
    inc[f] = []
    for line in open(os.path.join(root, f), encoding="utf-8", errors="replace"):
        m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
        if not m:
            continue
        name = m.group(2)
        if m.group(1) == "<":
            for prefix, where in system_only.items():
                if name.startswith(prefix) and l not in where:
                    bad.append("%s includes <%s>, which only %s may use" % (f, name, " and ".join(sorted(where))))
            continue
        target = by_name.get(name)
        if not target:
            continue  # generated (analyser_id.h) or a system header in quotes
        t = target[0]
        inc[f].append(t)
        if rank[files[t]] > rank[l]:
            bad.append("%s (%s) includes %s (%s): an arrow up" % (f, l, t, files[t]))

def cycles(graph):
    """Strongly connected components of more than one node, iteratively."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph.get(start, ())))]
        index[start] = low[start] = counter[0]; counter[0] += 1
        stack.append(start); on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); on.add(w)
                    work.append((w, iter(graph.get(w, ()))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop(); on.discard(w); comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(comp)
    return out

for c in cycles(inc):
    bad.append("include cycle: " + " <-> ".join(sorted(c)))

# the link graph
defs, uses = {}, {}
for f in files:
    if not f.endswith(".c"):
        continue
    o = os.path.join(objroot, f[:-2] + ".o")
    for alt in other_objects.get(f, []):
        if not os.path.exists(o):
            o = os.path.join(objroot, alt)
    if not os.path.exists(o):
        bad.append("%s: no object %s (build first)" % (f, o))
        continue
    for line in subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRCGSV":
            defs.setdefault(parts[2], f)
        elif len(parts) == 2 and parts[0] == "U":
            uses.setdefault(f, set()).add(parts[1])
link = {}
for f, syms in uses.items():
    for s in sorted(syms):
        t = defs.get(s)
        if not t or t == f:
            continue
        link.setdefault(f, set()).add(t)
        if rank[files[t]] > rank[files[f]]:
            bad.append("%s (%s) calls %s, defined in %s (%s): an arrow up" % (f, files[f], s, t, files[t]))
for c in cycles(link):
    if c not in allowed_cycles:
        bad.append("files that call each other: " + " <-> ".join(sorted(c)))

for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}

test_layers_of_the_tree() {
	check_layers "$ROOT" "$OBJ_DIR"
}

# A copy of the tree with one planted arrow up (and a cycle of headers): the check must say so.
test_a_planted_violation_is_caught() {
	local out
	for l in core analysis cache reuse diff hook; do
		mkdir -p "src/$l" "obj/$l" && cp "$ROOT/$l"/*.[ch] "src/$l/" || return 1
		cp "$OBJ_DIR/$l"/*.o "obj/$l/" 2>/dev/null
	done
	mkdir -p obj/packaging && cp "$OBJ_DIR/packaging"/*.o obj/packaging/ 2>/dev/null
	check_layers "$PWD/src" "$PWD/obj" >/dev/null || { fail "the copy already fails"; return 1; }
	printf '#include "engine.h"\n' >>src/cache/key.c
	printf '#include <git2.h>\n' >>src/cache/dir.c
	printf '#include "b.h"\n' >src/core/a.h
	printf '#include "a.h"\n' >src/core/b.h
	out=$(check_layers "$PWD/src" "$PWD/obj") && { fail "no violation found"; return 1; }
	assert_contains "$out" "cache/key.c (cache) includes reuse/engine.h (reuse): an arrow up" || return 1
	assert_contains "$out" "cache/dir.c includes <git2.h>" || return 1
	assert_contains "$out" "include cycle: core/a.h <-> core/b.h" || return 1
	# and one in the link graph: an object of the store that calls the engine
	cp "$OBJ_DIR/reuse/engine.o" obj/cache/key.o || return 1
	cp "$OBJ_DIR/cache/key.o" obj/reuse/engine.o || return 1
	out=$(check_layers "$ROOT" "$PWD/obj") && { fail "no link violation found"; return 1; }
	assert_contains "$out" "cache/key.c (cache) calls"
}

run_tests
