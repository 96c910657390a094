#!/usr/bin/env bash
# run.sh - `make bench`: measures pgleak-hook on real code and on a generated
# repository, against the physical limits (cat, parse-only) and against plain
# git.  bench/README.md says what each figure is and how to reproduce it.
#
#   bench/run.sh                 the full run (about 6 minutes on 2 cores)
#   BENCH_QUICK=1 bench/run.sh   a smoke run: small corpora, 3 rounds
#   PGLEAK_BIN=path/to/pgleak-hook   the binary (default build/pgleak-hook)
#   BENCH_RUNS=N                 rounds (default 5, quick 3)
#
# How it measures: every figure is the median of N rounds, and in each round
# every command of a corpus runs once, one after the other (cat, parse-only,
# check cold, check warm), so that the load of this shared machine falls on
# all of them alike; a ratio is computed per round, then its median taken.
# Wall time from `date +%s%N` around the command, peak RSS from
# `/usr/bin/time -f %M`.  Files are read once before the rounds, so every
# figure is with the page cache hot.  A command the binary does not have yet
# (install, cache stats) is reported as "not available yet", not failed.
#
# Everything it makes lives in bench/work/ (ignored): the npm tarballs and
# the scratch repository (bench/fetch.sh), the generated repository
# (bench/gen.py), the parse-only program, the cache folders and the report.
# A full run writes the report to bench/results.md; a quick one only to
# bench/work/results-quick.md.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
W="$here/work"
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 1 ] || QUICK=0
if [ "$QUICK" = 1 ]; then RUNS=${BENCH_RUNS:-3}; GEN_FILES=1000; else RUNS=${BENCH_RUNS:-5}; GEN_FILES=10000; fi
GEN_SEED=20240601
BIN=${PGLEAK_BIN:-$top/build/pgleak-hook}

die() { echo "bench: $*" >&2; exit 2; }
note() { echo "bench: $*" >&2; }

[ -x "$BIN" ] || die "no binary at $BIN (run make, or set PGLEAK_BIN)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
LIB=$(dirname "$BIN")/libpgleak.a
[ -f "$LIB" ] || die "no $LIB next to the binary: parse-only links the same objects"
for tool in git python3 cc npm openssl; do
	command -v "$tool" >/dev/null || die "$tool is needed (apt-get install ${tool/cc/build-essential})"
done
TIME=/usr/bin/time
[ -x "$TIME" ] || { note "no /usr/bin/time (apt-get install time): peak RSS not measured"; TIME=""; }

# The commit the figures belong to, taken before the (long) run.
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$top" diff --quiet HEAD -- core analysis cache reuse diff hook 2>/dev/null || commit="$commit (with uncommitted changes)"
mkdir -p "$W/bin" "$W/lists"
M=$(mktemp -d "$W/m.XXXXXX")   # this run's raw measurements
CACHES="$W/caches"
rm -rf "$CACHES"
mkdir -p "$CACHES"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset PGLEAK_SKIP
# The npm corpus holds files of up to 9 MB (the TypeScript compiler): raise
# the default 2 MB limit, so that everything is checked.
echo '{ "maxFileBytes": 67108864 }' >"$W/bench-config.json"
CFG="$W/bench-config.json"

# ---------------------------------------------------------------- helpers
# measure NAME CMD...: runs CMD once; appends "microseconds rss_kb exit" to $M/NAME
# and keeps its output in $M/NAME.out and $M/NAME.err.
measure() {
	local name=$1 t0 t1 rc rss=-
	shift
	t0=$(date +%s%N)
	if [ -n "$TIME" ]; then
		"$TIME" -f %M -o "$M/rss.tmp" "$@" >"$M/$name.out" 2>"$M/$name.err"
		rc=$?
	else
		"$@" >"$M/$name.out" 2>"$M/$name.err"
		rc=$?
	fi
	t1=$(date +%s%N)
	[ -n "$TIME" ] && rss=$(tail -n 1 "$M/rss.tmp")
	echo "$(((t1 - t0) / 1000)) $rss $rc" >>"$M/$name"
	return $rc
}
median() { sort -g | awk '{a[NR]=$1} END{if (!NR) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# med_ms NAME / med_rss_mb NAME / worst_exit NAME
med_ms() { awk '{print $1/1000}' "$M/$1" | median; }
med_rss() { awk '$2!="-"{print $2/1024}' "$M/$1" | median; }
max_rss() { awk 'BEGIN{m=0} $2!="-"&&$2>m{m=$2} END{printf "%.1f", m/1024}' "$M/$1"; }
exits() { awk '{print $3}' "$M/$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
# ratio_med A B: the median over the rounds of A's time / B's time
ratio_med() { paste -d' ' "$M/$1" "$M/$2" | awk '{print $1/$4}' | median; }
fmt() { awk -v x="$1" -v p="${2:-1}" 'BEGIN{if (x=="nan"||x=="") print "n/a"; else printf "%.*f", p, x}'; }
# stat_of FILE KEY: a number from the "stats" object of check's JSON
stat_of() { grep -o "\"$2\": *[0-9]*" "$1" 2>/dev/null | tail -n 1 | grep -o '[0-9]*$' || echo "n/a"; }
dir_bytes() { if [ -d "$1" ]; then du -sb "$1" | cut -f1; else echo 0; fi; }
has_command() { "$BIN" "$1" --help >/dev/null 2>&1; }

# The list of files `check` looks at under a folder: its extensions, no
# .d.ts, no node_modules or dot-folders (hook/check.c, analysis/findings.c).
list_files() {
	(cd "$1" && find . \( -name node_modules -o -name '.?*' \) -prune -o -type f \
		\( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' -o -name '*.ts' \
		-o -name '*.mts' -o -name '*.cts' -o -name '*.tsx' \) ! -name '*.d.ts' -print) |
		sed "s,^\./,$1/," | LC_ALL=C sort
}
list_bytes() { xargs -d '\n' -a "$1" stat -c %s | awk '{s+=$1} END{print s+0}'; }

# ---------------------------------------------------------------- build
note "building the parse-only program against $LIB"
cc -std=c11 -Wall -Wextra -Werror -O2 -g -D_POSIX_C_SOURCE=200809L \
	-I"$top/core" -I"$top/analysis" -I"$top/cache" -I"$top/reuse" \
	-o "$W/bin/parse_only" "$here/parse_only.c" "$LIB" -lgit2 -lxxhash -ltree-sitter -lpthread ||
	die "cannot build bench/parse_only.c"
PARSE="$W/bin/parse_only"

# ---------------------------------------------------------------- corpora
note "real code: fetching the pinned npm packages (bench/packages.txt)"
"$here/fetch.sh" "$W" || die "bench/fetch.sh failed"
NPM="$W/npm"
if [ "$QUICK" = 1 ]; then
	# A few packages that use pg pools, and the largest file.
	npm_paths=("$NPM/pg" "$NPM/pg-pool" "$NPM/pg-boss" "$NPM/knex" "$NPM/sequelize" "$NPM/typescript/lib/typescript.js")
else
	npm_paths=("$NPM")
fi
for p in "${npm_paths[@]}"; do
	if [ -d "$p" ]; then list_files "$p"; else echo "$p"; fi
done >"$W/lists/npm.txt"

GEN="$W/gen-$GEN_SEED-$GEN_FILES"
gen_sum=$(sha256sum "$here/gen.py" | cut -d' ' -f1)
if [ ! -f "$GEN.stamp" ] || [ "$(cat "$GEN.stamp")" != "$gen_sum" ]; then
	note "generating the repository ($GEN_FILES files, seed $GEN_SEED)"
	rm -rf "$GEN" "$GEN.change"
	python3 "$here/gen.py" --seed "$GEN_SEED" --files "$GEN_FILES" "$GEN" || die "gen.py failed"
	python3 "$here/gen.py" --seed "$GEN_SEED" --files "$GEN_FILES" --change "$GEN.change" >"$GEN.change.txt" ||
		die "gen.py --change failed"
	(cd "$GEN" && git init -q . && git add -A . && git commit -q --no-verify -m "generated") ||
		die "cannot commit the generated repository"
	echo "$gen_sum" >"$GEN.stamp"
fi
list_files "$GEN" >"$W/lists/gen.txt"

# ---------------------------------------------------------------- check
# bench_check NAME LIST PATHS...: the rounds of one corpus.
bench_check() {
	local name=$1 list=$2 r cache
	shift 2
	note "$name: counting functions (untimed)"
	"$PARSE" --functions "$list" >"$M/$name.count" || die "parse_only failed on $name"
	xargs -d '\n' -a "$list" cat >/dev/null # the page cache, hot for everyone
	for ((r = 1; r <= RUNS; r++)); do
		note "$name: round $r of $RUNS"
		measure "$name.cat" xargs -d '\n' -a "$list" cat
		measure "$name.parse" "$PARSE" "$list" || die "parse_only failed"
		measure "$name.parse_connect" "$PARSE" --mentioning connect "$list" || die "parse_only failed"
		cache="$CACHES/$name-$r"
		mkdir -p "$cache"
		# scaling of a cold run: 1 worker, 2, 4, and the default (one per processor) as "cold"
		for j in 1 2 4; do
			rm -rf "$cache-j$j" && mkdir -p "$cache-j$j"
			PGLEAK_CACHE_DIR=$cache-j$j PGLEAK_JOBS=$j measure "$name.cold$j" "$BIN" check --config "$CFG" --format json "$@"
			rm -rf "$cache-j$j"
		done
		PGLEAK_CACHE_DIR=$cache measure "$name.cold" "$BIN" check --config "$CFG" --format json "$@"
		PGLEAK_CACHE_DIR=$cache measure "$name.warm" "$BIN" check --config "$CFG" --format json "$@"
		cp "$M/$name.cold.out" "$M/$name.cold.json"
		cp "$M/$name.warm.out" "$M/$name.warm.json"
		echo "$(dir_bytes "$cache")" >>"$M/$name.cache_bytes"
		if has_command cache; then
			PGLEAK_CACHE_DIR=$cache "$BIN" cache stats --format json >"$M/$name.cache_stats" 2>&1 || true
		fi
		[ "$r" -lt "$RUNS" ] && rm -rf "$cache"
	done
	for v in cold warm; do
		awk '$3 != 0 && $3 != 1 {bad=1} END{exit !bad}' "$M/$name.$v" &&
			die "$name: check $v failed: $(head -c 600 "$M/$name.$v.err")"
	done
}

bench_check npm "$W/lists/npm.txt" "${npm_paths[@]}"
bench_check gen "$W/lists/gen.txt" "$GEN"

# ---------------------------------------------------------------- largest file
BIG=$(xargs -d '\n' -a "$W/lists/npm.txt" stat -c '%s %n' | sort -n | tail -n 1 | cut -d' ' -f2-)
echo "$BIG" >"$W/lists/big.txt"
# The largest file under the default 2 MB limit, checked with the default configuration.
BIG2=$(xargs -d '\n' -a "$W/lists/npm.txt" stat -c '%s %n' | sort -n | awk '$1 <= 2097152' | tail -n 1 | cut -d' ' -f2-)
echo "$BIG2" >"$W/lists/big2.txt"
echo '{}' >"$W/default-config.json"
note "largest file: $BIG; under the default limit: $BIG2"
for ((r = 1; r <= RUNS; r++)); do
	measure big.parse "$PARSE" "$W/lists/big.txt" || die "parse_only failed"
	measure big2.parse "$PARSE" "$W/lists/big2.txt" || die "parse_only failed"
	for b in big big2; do
		rm -rf "$CACHES/$b"
		mkdir -p "$CACHES/$b"
	done
	PGLEAK_CACHE_DIR="$CACHES/big" measure big.cold "$BIN" check --config "$CFG" --format json "$BIG"
	PGLEAK_CACHE_DIR="$CACHES/big" measure big.default "$BIN" check --config "$W/default-config.json" --format json "$BIG"
	PGLEAK_CACHE_DIR="$CACHES/big2" measure big2.cold "$BIN" check --config "$W/default-config.json" --format json "$BIG2"
done

# ---------------------------------------------------------------- the hook
# A clone of the generated repository, so that the hook's installation and
# the reset between runs never touch the corpus the checks read.
HOOKREPO="$W/hook-repo"
rm -rf "$HOOKREPO"
git clone -q --no-hardlinks "$GEN" "$HOOKREPO" || die "cannot clone the generated repository"
base=$(git -C "$HOOKREPO" rev-parse HEAD)
mapfile -t changed <"$GEN.change.txt"
stage_change() {
	git -C "$HOOKREPO" reset -q --hard "$base" &&
		(cd "$GEN.change" && cp --parents "${changed[@]}" "$HOOKREPO/") &&
		git -C "$HOOKREPO" add -- "${changed[@]}"
}
hook_status="available"
if ! has_command install; then
	hook_status="not available yet: \`pgleak-hook install\` is missing"
elif ! (cd "$HOOKREPO" && "$BIN" install >"$M/install.out" 2>&1); then
	hook_status="not available yet: \`pgleak-hook install\` failed: $(head -c 300 "$M/install.out")"
fi
if [ "$hook_status" = available ]; then
	note "hook: a commit of ${#changed[@]} changed files (one new leak) in $HOOKREPO"
	# The warm cache: what one earlier attempt at the same commit left.
	mkdir -p "$CACHES/hook-warm"
	stage_change
	(cd "$HOOKREPO" && PGLEAK_CACHE_DIR="$CACHES/hook-warm" git commit -q -m change >/dev/null 2>&1)
	for ((r = 1; r <= RUNS; r++)); do
		note "hook: round $r of $RUNS"
		stage_change || die "cannot stage the change"
		(cd "$HOOKREPO" && measure hook.noverify git commit -q --no-verify -m change)
		stage_change
		rm -rf "$CACHES/hook-cold"
		mkdir -p "$CACHES/hook-cold"
		(cd "$HOOKREPO" && PGLEAK_CACHE_DIR="$CACHES/hook-cold" measure hook.cold git commit -q -m change)
		stage_change
		(cd "$HOOKREPO" && PGLEAK_CACHE_DIR="$CACHES/hook-warm" measure hook.warm git commit -q -m change)
		stage_change
		(cd "$HOOKREPO" && PGLEAK_CACHE_DIR="$CACHES/hook-warm" measure hook.run "$BIN" run)
	done
	git -C "$HOOKREPO" reset -q --hard "$base"
	hook_cache_bytes=$(dir_bytes "$CACHES/hook-warm")
fi

# ---------------------------------------------------------------- report
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
version=$("$BIN" --version 2>/dev/null | head -n 1)
out="$W/results-$([ "$QUICK" = 1 ] && echo quick || echo full).md"

# corpus_section NAME TITLE
corpus_section() {
	local n=$1 files bytes fns pfiles pbytes mb
	files=$(grep -o 'files=[0-9]*' "$M/$n.count" | cut -d= -f2)
	bytes=$(grep -o ' bytes=[0-9]*' "$M/$n.count" | cut -d= -f2)
	fns=$(grep -o 'functions=[0-9]*' "$M/$n.count" | cut -d= -f2)
	pfiles=$(grep -o 'parsed=[0-9]*' "$M/$n.parse_connect.out" | cut -d= -f2)
	pbytes=$(grep -o 'parsed_bytes=[0-9]*' "$M/$n.parse_connect.out" | cut -d= -f2)
	mb=$(awk -v b="$bytes" 'BEGIN{print b/1e6}')
	echo "## $2"
	echo
	echo "$files files, $(fmt "$mb") MB, $fns functions (function declarations and expressions, arrows, methods:"
	echo "\`parse_only --functions\`); $pfiles of the files ($(fmt "$(awk -v b="$pbytes" 'BEGIN{print b/1e6}')") MB) mention \`connect\`,"
	echo "the engine's pre-filter, so \`check\` parses those and scans the others."
	echo "\`check\` reported: files $(stat_of "$M/$n.cold.json" files), functions $(stat_of "$M/$n.cold.json" functions)"
	echo "(in the files it parsed), analysed $(stat_of "$M/$n.cold.json" analyzed) cold and $(stat_of "$M/$n.warm.json" analyzed) warm,"
	echo "from the cache $(stat_of "$M/$n.cold.json" cached) cold and $(stat_of "$M/$n.warm.json" cached) warm."
	echo
	echo "| what | median ms | MB/s | functions/s | peak RSS MB (median) | exit |"
	echo "|---|---:|---:|---:|---:|---|"
	for row in "cat:cat of every file to /dev/null" "parse:parse-only, every file" \
		"parse_connect:parse-only, the files mentioning \`connect\` (all read)" \
		"cold1:\`check\`, cold cache, PGLEAK_JOBS=1" "cold2:\`check\`, cold cache, PGLEAK_JOBS=2" \
		"cold4:\`check\`, cold cache, PGLEAK_JOBS=4" \
		"cold:\`check\`, cold cache, default workers ($(nproc), one per processor)" "warm:\`check\`, warm cache (second run)"; do
		local k=${row%%:*} label=${row#*:} ms
		ms=$(med_ms "$n.$k")
		echo "| $label | $(fmt "$ms" 0) | $(fmt "$(awk -v b="$bytes" -v t="$ms" 'BEGIN{print b/1e3/t}')") |" \
			"$(fmt "$(awk -v f="$fns" -v t="$ms" 'BEGIN{print f*1e3/t}')" 0) | $(fmt "$(med_rss "$n.$k")") | $(exits "$n.$k") |"
	done
	echo
	echo "Cold scaling (median of the per-round ratios to PGLEAK_JOBS=1): 2 workers $(fmt "$(ratio_med "$n.cold1" "$n.cold2")" 2)x,"
	echo "4 workers $(fmt "$(ratio_med "$n.cold1" "$n.cold4")" 2)x, default $(fmt "$(ratio_med "$n.cold1" "$n.cold")" 2)x, on $(nproc) processors shared with other work."
	echo
	echo "Cache on disk after the warm run: $(fmt "$(awk -v b="$(tail -n 1 "$M/$n.cache_bytes")" 'BEGIN{print b/1e6}')" 2) MB"
	if [ -s "$M/$n.cache_stats" ] && grep -q '{' "$M/$n.cache_stats"; then
		echo "(\`cache stats --format json\`: \`$(tr -s ' \n' ' ' <"$M/$n.cache_stats" | head -c 400)\`)."
	else
		echo "(\`cache stats\`: not available yet)."
	fi
	echo
}

target_line() { # NAME FIGURE MET
	echo "| $1 | $2 | $([ "$3" = 1 ] && echo "**met**" || echo "**not met**") |"
}

{
	echo "# Benchmark results"
	echo
	echo "$([ "$QUICK" = 1 ] && echo "Quick smoke run (BENCH_QUICK=1: small corpora, not the figures of record)" || echo "Full run") of \`make bench\`"
	echo "($RUNS rounds, medians), $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $cpu, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM"
	echo "(shared with other work while it ran); pgleak-hook commit $commit, \`$version\`, binary \`${BIN#"$top"/}\`."
	echo "How each figure is made: bench/README.md."
	echo
	corpus_section npm "Real code: npm packages (bench/packages.txt)"
	corpus_section gen "Generated repository: $GEN_FILES files, seed $GEN_SEED (bench/gen.py)"

	echo "## Largest single file"
	echo
	echo "\`${BIG#"$W"/}\`, $(fmt "$(awk -v b="$(stat -c %s "$BIG")" 'BEGIN{print b/1e6}')") MB:"
	echo "parse-only $(fmt "$(med_ms big.parse)" 0) ms, peak RSS $(fmt "$(med_rss big.parse)") MB;"
	echo "\`check\` (cold, \`maxFileBytes\` raised to 64 MB) $(fmt "$(med_ms big.cold)" 0) ms, peak RSS $(fmt "$(med_rss big.cold)") MB (max of the rounds $(max_rss big.cold) MB)."
	echo "With the default configuration (2 MB limit) \`check\` skips it with a notice: $(fmt "$(med_ms big.default)" 0) ms, peak RSS $(fmt "$(med_rss big.default)") MB."
	echo
	echo "The largest file under the default limit, \`${BIG2#"$W"/}\`, $(fmt "$(awk -v b="$(stat -c %s "$BIG2")" 'BEGIN{print b/1e6}')") MB:"
	echo "parse-only $(fmt "$(med_ms big2.parse)" 0) ms, peak RSS $(fmt "$(med_rss big2.parse)") MB;"
	echo "\`check\` (cold, default configuration) $(fmt "$(med_ms big2.cold)" 0) ms, peak RSS $(fmt "$(med_rss big2.cold)") MB (max $(max_rss big2.cold) MB)."
	echo

	echo "## The hook"
	echo
	if [ "$hook_status" = available ]; then
		echo "A commit of ${#changed[@]} changed files in the generated repository (one of them adds a leaking"
		echo "method, so the hook blocks the commit: exit 1 expected), reset and staged again before each run."
		echo "Cold: \`PGLEAK_CACHE_DIR\` a fresh empty folder; warm: the cache that an earlier attempt at the"
		echo "same commit left.  Files: $(tr '\n' ' ' <"$GEN.change.txt")"
		echo
		echo "| what | median ms | peak RSS MB | exit |"
		echo "|---|---:|---:|---|"
		echo "| \`git commit --no-verify\` | $(fmt "$(med_ms hook.noverify)" 1) | $(fmt "$(med_rss hook.noverify)") | $(exits hook.noverify) |"
		echo "| \`git commit\`, hook, cold cache | $(fmt "$(med_ms hook.cold)" 1) | $(fmt "$(med_rss hook.cold)") | $(exits hook.cold) |"
		echo "| \`git commit\`, hook, warm cache | $(fmt "$(med_ms hook.warm)" 1) | $(fmt "$(med_rss hook.warm)") | $(exits hook.warm) |"
		echo "| \`pgleak-hook run\` alone, warm cache | $(fmt "$(med_ms hook.run)" 1) | $(fmt "$(med_rss hook.run)") | $(exits hook.run) |"
		echo
		echo "Hook cache on disk: $(fmt "$(awk -v b="$hook_cache_bytes" 'BEGIN{print b/1e6}')" 2) MB."
	else
		echo "$hook_status."
	fi
	echo

	echo "## Targets"
	echo
	echo "| target | figure | |"
	echo "|---|---|---|"
	for n in npm gen; do
		ratio=$(ratio_med "$n.cold" "$n.parse_connect")
		target_line "$n: cold \`check\` <= 1.3x parse-only of the files it parses" "$(fmt "$ratio" 2)x" \
			"$(awk -v r="$ratio" 'BEGIN{print (r<=1.3)}')"
		ratio=$(ratio_med "$n.cold" "$n.parse")
		target_line "$n: cold \`check\` faster than parse-only of every file" "$(fmt "$ratio" 2)x" \
			"$(awk -v r="$ratio" 'BEGIN{print (r<1)}')"
		ratio=$(ratio_med "$n.cold" "$n.warm")
		target_line "$n: warm >= 10x faster than cold" "$(fmt "$ratio" 1)x" "$(awk -v r="$ratio" 'BEGIN{print (r>=10)}')"
	done
	if [ "$hook_status" = available ]; then
		add=$(awk -v a="$(med_ms hook.warm)" -v b="$(med_ms hook.noverify)" 'BEGIN{print a-b}')
		target_line "hook adds <= 20 ms to \`git commit --no-verify\`, warm cache" "+$(fmt "$add" 1) ms" \
			"$(awk -v a="$add" 'BEGIN{print (a<=20)}')"
	else
		echo "| hook adds <= 20 ms, warm cache | not available yet | **not met** |"
	fi
	target_line "peak RSS <= 100 MB on the largest single file (checked, limit raised)" "$(max_rss big.cold) MB (parse-only: $(max_rss big.parse) MB)" \
		"$(awk -v m="$(max_rss big.cold)" 'BEGIN{print (m<=100)}')"
	target_line "peak RSS <= 100 MB on the largest file under the default limit" "$(max_rss big2.cold) MB" \
		"$(awk -v m="$(max_rss big2.cold)" 'BEGIN{print (m<=100)}')"
	echo
	echo "Ratios are taken within each round, then their median; \"hook adds\" is the difference of the medians."
} >"$out"

cat "$out"
if [ "$QUICK" = 0 ]; then
	cp "$out" "$here/results.md"
	note "written to bench/results.md"
fi
rm -rf "$M"
