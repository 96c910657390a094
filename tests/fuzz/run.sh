#!/usr/bin/env bash
# tests/fuzz/run.sh [--ci] [HARNESS...] - builds the libFuzzer harnesses and
# runs each for a bounded time (`make fuzz`).
#
#   FUZZ_SECONDS   seconds per harness (default 60; --ci: 7, about a minute in all)
#   FUZZ_OUT       build and work folder (default build-fuzz)
#   HARNESS        js ts tsx config cache hunks cached lsp (default: all)
#
# For each harness: first every committed regression input
# (tests/fuzz/regress/<harness>/: what the fuzzers found, and hand-made
# inputs that were slow) is run once and must pass within the same 10 s
# (sanitizers included); then the fuzzer runs from the seeds (seeds.sh)
# and the corpus it grew on earlier runs (FUZZ_OUT/corpus/<harness>; --ci:
# the seeds only), one harness at a time and one job each, because the
# machine is shared.  A crash, leak, sanitizer report, timeout (10 s for
# one input) or out-of-memory (2 GB) stops that harness and leaves the
# input in FUZZ_OUT/artifacts/<harness>/; the script ends non-zero and
# says which.  Logs: FUZZ_OUT/logs/<harness>.log.  To see why an input
# fails, run it directly: FUZZ_OUT/fuzz_<harness> FILE.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ci=0
harnesses=()
for a in "$@"; do
	case $a in
	--ci) ci=1 ;;
	js|ts|tsx|config|cache|hunks|cached|lsp) harnesses+=("$a") ;;
	*) echo "usage: tests/fuzz/run.sh [--ci] [js|ts|tsx|config|cache|hunks|cached|lsp]..." >&2; exit 2 ;;
	esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(js ts tsx config cache hunks cached lsp)
if [ $ci -eq 1 ]; then
	seconds=${FUZZ_SECONDS:-7}
else
	seconds=${FUZZ_SECONDS:-60}
fi
cd "$root" || exit 2
out=${FUZZ_OUT:-build-fuzz}

command -v "${CLANG:-clang}" >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 2; }
make -s -f tests/fuzz/Makefile -j2 FUZZ_OUT="$out" || { echo "fuzz: build failed" >&2; exit 2; }
rm -rf "$out/seeds"
"$here/seeds.sh" "$out/seeds" || exit 2
mkdir -p "$out/logs"

# Sanitizer reports must end the run, and leaks count (the caller's options
# come last, so they win).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()
for h in "${harnesses[@]}"; do
	bin=$out/fuzz_$h
	log=$out/logs/$h.log
	: >"$log"
	if compgen -G "$here/regress/$h/*" >/dev/null; then
		if ! "$bin" -timeout=10 -close_fd_mask=2 "$here/regress/$h"/* >>"$log" 2>&1; then
			echo "fuzz: $h: a regression input fails again (see $log)"
			failed+=("$h")
			continue
		fi
	fi
	case $h in
	config) max_len=4096 ;;
	*) max_len=16384 ;;
	esac
	# --ci starts from the seeds only: replaying a grown corpus takes longer than the run itself
	corpus=$out/corpus/$h
	if [ $ci -eq 1 ]; then
		corpus=$out/ci-corpus/$h
		rm -rf "$corpus"
	fi
	mkdir -p "$corpus" "$out/artifacts/$h"
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
		-close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$out/artifacts/$h/" \
		"$corpus" "$out/seeds/$h" >>"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ $rc -ne 0 ]; then
		echo "fuzz: $h: FOUND something after ${runs:-?} inputs: $(grep -m1 -e 'ERROR:' -e 'runtime error' -e 'ALARM' "$log")"
		echo "      input: $(ls -t "$out/artifacts/$h" | head -1 | sed "s|^|$out/artifacts/$h/|"); log: $log"
		failed+=("$h")
	else
		echo "fuzz: $h: ${runs:-?} inputs in $seconds s, $cov, nothing found"
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: findings in: ${failed[*]}"
	exit 1
fi
echo "fuzz: all ${#harnesses[@]} harnesses clean"
