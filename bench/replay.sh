#!/usr/bin/env bash
# replay.sh - the real-history replay (`make bench` runs it after run.sh):
# what the hook adds to `git commit` on a repository of real shape, against
# the floor of `git diff --cached --name-only`.
#
#   bench/replay.sh                      both sizes (14k and 2.7k entries), 40 commits each
#   REPLAY_COMMITS=N REPLAY_SIZES="2700" bench/replay.sh
#   REPLAY_ROUNDS=R                      rounds per commit (default 3): its figures are their medians
#   PGLEAK_BIN=path      the hook's binary (default build/pgleak-hook)
#   PGLEAK_BIN_OLD=path  a second binary measured in the same rounds (before/after)
#
# How it measures: bench/replay_gen.py makes the repository and applies the
# commits of its stream one at a time.  For each commit, once staged, the
# commands run one after the other in a rotating order, so that the load of
# this shared machine falls on all alike: `git diff --cached --name-only`,
# `git commit --no-verify`, and `git commit` with the hook of each binary
# (every commit but the last is undone with `git reset -q --soft HEAD^`, which
# keeps the index).  The hook's overhead is its commit's time minus the
# --no-verify one of the same round; each commit is measured in REPLAY_ROUNDS
# rounds, and its overhead and ratio are the medians of its rounds, so that
# one slow moment of a shared machine does not make a commit's figure.  The
# first commit is not reported: git's own first commands in a repository just
# written are slower (--no-verify took twice its usual time there), which
# would be charged to the hooks.  The second commit runs on an empty cache in
# every round (emptied before each) and is reported on its own ("cold", the
# median of its rounds); the others are warm.  Each binary has
# its own cache folder.  Wall time from `date +%s%N`; peak RSS of `run`
# from /usr/bin/time inside the hook.  Everything lives in bench/work/replay/.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
W="$here/work/replay"
COMMITS=${REPLAY_COMMITS:-40}
ROUNDS=${REPLAY_ROUNDS:-3}
SIZES=${REPLAY_SIZES:-"14000 2700"}
SEED=20261203
BIN=${PGLEAK_BIN:-$top/build/pgleak-hook}
OLD=${PGLEAK_BIN_OLD:-}
die() { echo "replay: $*" >&2; exit 2; }
[ -x "$BIN" ] || die "no binary at $BIN"
[ -z "$OLD" ] || [ -x "$OLD" ] || die "no binary at $OLD"
TIME=/usr/bin/time
[ -x "$TIME" ] || die "/usr/bin/time is needed (apt-get install time)"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset PGLEAK_SKIP
mkdir -p "$W"

names=(new)
bins=("$BIN")
[ -n "$OLD" ] && names+=(old) && bins+=("$OLD")
# A hook that does nothing, in the same rounds: what git itself spends on
# running any pre-commit hook (the fork and exec, and reading the index
# again afterwards), the floor under every hook's overhead.
names+=(noop)
bins+=(/bin/true)

now_us() { echo $(($(date +%s%N) / 1000)); }
# timed OUTVAR CMD...: runs CMD, stores its wall time in microseconds
timed() {
	local __v=$1 t0 t1
	shift
	t0=$(now_us)
	"$@" >/dev/null 2>>"$W/errors.log"
	local rc=$?
	t1=$(now_us)
	printf -v "$__v" %s $((t1 - t0))
	return $rc
}
stats() { # reads numbers (ms); prints "median p90 max"
	sort -g | awk '{a[NR]=$1} END{if(!NR){print "n/a n/a n/a";exit}
		m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; p=a[int(0.9*NR+0.999)]; if(p=="")p=a[NR];
		printf "%.1f %.1f %.1f\n", m, p, a[NR]}'
}

echo "| entries | binary | --no-verify median | hook adds median / p90 / max (ms) | diff --name-only median | adds / floor median / max | cold (empty cache) adds | peak RSS of run |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
for size in $SIZES; do
	R="$W/repo-$size"
	rm -rf "$R" "$W/cache-"*"-$size" "$W/t-$size."*
	python3 "$here/replay_gen.py" --entries "$size" --seed "$SEED" init "$R" || die "replay_gen.py failed"
	(cd "$R" && git init -q . && git add -A . && git commit -q --no-verify -m init) || die "cannot commit"
	entries=$(git -C "$R" ls-files | wc -l)
	# The hook: the binary named by HOOK_BIN, its peak RSS appended to HOOK_RSS.
	printf '#!/bin/sh\nexec %s -f %%M -a -o "$HOOK_RSS" "$HOOK_BIN" run\n' "$TIME" >"$R/.git/hooks/pre-commit"
	chmod +x "$R/.git/hooks/pre-commit"
	cd "$R" || die "no $R"
	for k in $(seq 1 "$COMMITS"); do
		python3 "$here/replay_gen.py" --entries "$size" --seed "$SEED" commit "$k" "$R" >/dev/null || die "commit $k"
		git add -A . || die "git add"
		for round in $(seq 1 "$ROUNDS"); do
			order=(diff nv "${names[@]}")
			rot=$(((k * ROUNDS + round) % ${#order[@]}))
			order=("${order[@]:$rot}" "${order[@]:0:$rot}")
			# the last command that commits, in the last round, keeps its commit
			last=""
			if [ "$round" = "$ROUNDS" ]; then
				for what in "${order[@]}"; do [ "$what" = diff ] || last=$what; done
			fi
			for what in "${order[@]}"; do
				case $what in
				diff) timed t git diff --cached --name-only; echo "$k $t" >>"$W/t-$size.diff" ;;
				nv) timed t git commit -q --no-verify -m "c$k"; echo "$k $t" >>"$W/t-$size.nv"
					[ "$last" = nv ] || git reset -q --soft HEAD^ ;;
				*)
					i=0; for n in "${names[@]}"; do [ "$n" = "$what" ] && break; i=$((i + 1)); done
					export HOOK_BIN=${bins[$i]} HOOK_RSS="$W/t-$size.$what.rss"
					export PGLEAK_CACHE_DIR="$W/cache-$what-$size"
					[ "$k" = 2 ] && rm -rf "$PGLEAK_CACHE_DIR" # the second commit: cold in every round
					if timed t git commit -q -m "c$k"; then
						echo "$k $t" >>"$W/t-$size.$what"
						[ "$last" = "$what" ] || git reset -q --soft HEAD^
					else
						echo "replay: commit $k blocked by $what's hook" >&2
						echo "$k $t" >>"$W/t-$size.$what"
						[ "$last" = "$what" ] && git commit -q --no-verify -m "c$k"
					fi ;;
				esac
			done
		done
	done
	cd "$W" || exit 2
	for n in "${names[@]}"; do
		# a line per round: commit, adds (ms), adds / floor, --no-verify (ms), floor (ms)
		paste -d' ' "$W/t-$size.$n" "$W/t-$size.nv" "$W/t-$size.diff" |
			awk '{print $1, ($2-$4)/1000, ($2-$4)/$6, $4/1000, $6/1000}' >"$W/t-$size.$n.rounds"
		read -r cold _ _ < <(awk '$1 == 2 {print $2}' "$W/t-$size.$n.rounds" | stats)
		# a line per warm commit: the medians of its rounds
		awk '$1 > 2' "$W/t-$size.$n.rounds" | sort -k1,1n -s | awk '
			function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
				return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
			function flush() { if (n) printf "%s %s %s %s\n", med(A, n), med(B, n), med(C, n), med(D, n); n = 0 }
			$1 != k { flush(); k = $1 }
			{ n++; A[n] = $2 + 0; B[n] = $3 + 0; C[n] = $4 + 0; D[n] = $5 + 0 }
			END { flush() }' >"$W/t-$size.$n.rows"
		read -r am ap ax < <(cut -d' ' -f1 "$W/t-$size.$n.rows" | stats)
		read -r rm _ rx < <(cut -d' ' -f2 "$W/t-$size.$n.rows" | stats)
		read -r nvm _ _ < <(cut -d' ' -f3 "$W/t-$size.$n.rows" | stats)
		read -r dm _ _ < <(cut -d' ' -f4 "$W/t-$size.$n.rows" | stats)
		rss=$(awk 'BEGIN{m=0} $1+0>m{m=$1} END{printf "%.1f MB", m/1024}' "$W/t-$size.$n.rss")
		echo "| $entries | $n | $nvm ms | +$am / +$ap / +$ax | $dm ms | ${rm}x / ${rx}x | +$cold ms | $rss |"
	done
done
