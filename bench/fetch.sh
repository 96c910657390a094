#!/bin/sh
# fetch.sh WORK - the real-code corpus of the benchmark: every package of
# bench/packages.txt, downloaded with `npm pack` (which runs no script and
# makes no node_modules), its sha512 checked against the pin, unpacked to
# WORK/npm/NAME (a scoped @s/n becomes s__n), then committed as one commit
# into the scratch git repository WORK/npm (so that `run` and `diff` have a
# real history to work on).
#
# Tarballs are kept in WORK/tarballs and reused when their hash matches, so a
# second run is offline.  WORK/npm.stamp records the pins it was made from:
# when packages.txt has not changed, nothing is redone.
set -eu
work=${1:?usage: fetch.sh WORK}
here=$(cd "$(dirname "$0")" && pwd)
pins="$here/packages.txt"
mkdir -p "$work/tarballs"
repo="$work/npm"
sum=$(grep -v '^#' "$pins" | sha256sum | cut -d' ' -f1)
if [ -f "$work/npm.stamp" ] && [ "$(cat "$work/npm.stamp")" = "$sum" ]; then
	exit 0
fi
rm -rf "$repo"
mkdir -p "$repo"
grep -v '^#' "$pins" | while read -r name version integrity; do
	[ -n "$name" ] || continue
	flat=$(printf '%s' "$name" | sed 's,^@,,; s,/,__,')
	tgz="$work/tarballs/$flat-$version.tgz"
	want=${integrity#sha512-}
	have=""
	[ -f "$tgz" ] && have=$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)
	if [ "$have" != "$want" ]; then
		rm -f "$tgz"
		tmp=$(mktemp -d)
		if ! (cd "$tmp" && npm pack --silent --ignore-scripts "$name@$version" >/dev/null); then
			echo "fetch.sh: could not download $name@$version from the npm registry" >&2
			rm -rf "$tmp"; exit 1
		fi
		got=$(ls "$tmp"/*.tgz)
		have=$(openssl dgst -sha512 -binary "$got" | base64 -w0)
		if [ "$have" != "$want" ]; then
			echo "fetch.sh: $name@$version: sha512 integrity mismatch (got sha512-$have)" >&2
			rm -rf "$tmp"; exit 1
		fi
		mv "$got" "$tgz"
		rm -rf "$tmp"
	fi
	mkdir -p "$repo/$flat"
	tar -xzf "$tgz" -C "$repo/$flat" --strip-components=1 --no-same-owner
done
(
	cd "$repo"
	git init -q .
	git -c user.name=bench -c user.email=bench@localhost add -A .
	git -c user.name=bench -c user.email=bench@localhost commit -q -m "npm corpus" --no-verify
)
echo "$sum" >"$work/npm.stamp"
