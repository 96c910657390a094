#!/bin/sh
# packaging/npm/pack.sh STATIC_BIN DEST - `make npm-pack`: writes the two npm
# tarballs into DEST:
#   pgleak-hook-V.tgz           the main package: the root package.json, the
#                               JS launcher and postinstall (packaging/npm/)
#                               and, for source builds elsewhere, the C
#                               sources, Makefile, VERSION and grammar pins;
#   pgleak-hook-linux-x64-V.tgz @pgleak-hook/linux-x64: STATIC_BIN, stripped,
#                               as bin/pgleak-hook (os linux, cpu x64).
# The version is VERSION's: the root package.json must carry it as its
# version and as every optionalDependency's pin (`make npm-version` writes
# them), so that the launcher never runs a binary of another version.
set -eu
bin=${1:?usage: pack.sh STATIC_BIN DEST}
dest=${2:?usage: pack.sh STATIC_BIN DEST}
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(cat "$root/VERSION")

node -e '
const [file, v] = process.argv.slice(1);
const p = require(file);
const bad = [];
if (p.version !== v) bad.push(`version ${p.version}`);
for (const [name, pin] of Object.entries(p.optionalDependencies || {}))
  if (pin !== v) bad.push(`${name} ${pin}`);
if (bad.length) {
  console.error(`pack.sh: package.json disagrees with VERSION (${v}): ${bad.join(", ")}; run: make npm-version`);
  process.exit(1);
}' "$root/package.json" "$version"

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
stage="$dest/linux-x64"
rm -rf "$stage" "$dest"/*.tgz
mkdir -p "$stage/bin"
sed "s/@VERSION@/$version/g" "$root/packaging/npm/linux-x64/package.json.in" >"$stage/package.json"
cp "$root/packaging/npm/linux-x64/README.md" "$stage/"
strip -o "$stage/bin/pgleak-hook" "$bin"
chmod 0755 "$stage/bin/pgleak-hook"
(cd "$stage" && npm pack --silent --pack-destination "$dest" >/dev/null)
(cd "$root" && npm pack --silent --pack-destination "$dest" >/dev/null)
ls "$dest"/*.tgz
