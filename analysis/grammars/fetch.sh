#!/bin/sh
# fetch.sh DEST - fetches the pinned tree-sitter grammars from the npm registry
# into DEST (an ignored build folder), checking each tarball's sha512 integrity
# against analysis/grammars/pins.txt before unpacking it.
#
# Uses `npm pack`, which downloads a package's tarball and runs none of its
# scripts; nothing of the packages' JavaScript is run, and no node_modules is made.
# A tarball already in DEST whose hash matches is reused (offline rebuilds).
set -eu
dest=${1:?usage: fetch.sh DEST}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dest/tarballs"
grep -v '^#' "$here/pins.txt" | while read -r name version integrity; do
	[ -n "$name" ] || continue
	tgz="$dest/tarballs/$name-$version.tgz"
	want=${integrity#sha512-}
	have=""
	[ -f "$tgz" ] && have=$(openssl dgst -sha512 -binary "$tgz" | openssl base64 -A)
	if [ "$have" != "$want" ]; then
		rm -f "$tgz"
		tmp=$(mktemp -d)
		if ! (cd "$tmp" && npm pack --silent --ignore-scripts "$name@$version" >/dev/null); then
			echo "fetch.sh: could not download $name@$version from the npm registry" >&2
			rm -rf "$tmp"; exit 1
		fi
		have=$(openssl dgst -sha512 -binary "$tmp/$name-$version.tgz" | openssl base64 -A)
		if [ "$have" != "$want" ]; then
			echo "fetch.sh: $name@$version: sha512 integrity mismatch (got sha512-$have)" >&2
			rm -rf "$tmp"; exit 1
		fi
		mv "$tmp/$name-$version.tgz" "$tgz"
		rm -rf "$tmp"
	fi
	rm -rf "$dest/$name"
	mkdir -p "$dest/$name"
	tar -xzf "$tgz" -C "$dest/$name" --strip-components=1 --no-same-owner
done
touch "$dest/.stamp"
