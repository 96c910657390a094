# tests/npm_lib.sh - helpers for the tests that install pgleak-hook's npm
# packages with the real npm (sourced after lib.sh; run alone it does
# nothing).  `npm_registry_up` runs `make npm-pack` and starts a local
# registry (tests/npm_registry.py) serving the two tarballs, the pinned
# husky and the pinned grammars, so that `npm install pgleak-hook` resolves
# the optional platform package, its os/cpu and the lock file exactly as
# against registry.npmjs.org, without the network.  The third-party tarballs
# (husky, lefthook) come from npm's cache in build/npm-cache (downloaded once,
# then reused) and are checked against the sha512 pinned here.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

HUSKY_VERSION=9.1.7
LEFTHOOK_VERSION=1.7.18
# name version sha512 (as `npm view NAME@VERSION dist.integrity` prints it)
NPM_PINS="husky $HUSKY_VERSION sha512-5gs5ytaNjBrh5Ow3zrvdUUY+0VxIuWVL4i9irt6friV+BqdCfmV11CQTWMiBYWHbXhco+J1kHfTOUkePhCDvMA==
lefthook $LEFTHOOK_VERSION sha512-CB2cf/BgSA5kKwGZ4cZyPL/sr99a+t5exH+LJMuFfQyN6B6MkC1YtibpTc/T3HJyzk1oY4HgqalkNB3/cXRU5w==
lefthook-linux-x64 $LEFTHOOK_VERSION sha512-Cw0StKxQTucrUvIT80ZDOdUdcM44u9mhBCFg4JoiLfVhd30yiLfgoPijIAgHRIluBgTRfWFC3wxWM5zbszSD2w=="
PG_VERSION=$(cat "$ROOT/VERSION")

sha512_of() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | openssl base64 -A)"; }

# npm_registry_up: ./registry (tarballs) served at $REGISTRY; npm's
# configuration (registry, an empty cache of this test's own) in the environment.
npm_registry_up() {
	command -v npm >/dev/null || { fail "npm is not installed (apt-get install npm)"; return 1; }
	make -s -C "$ROOT" npm-pack OUT=build >npm-pack.log 2>&1 ||
		{ fail "make npm-pack failed: $(grep -v -e 'statically linked' -e 'in function' npm-pack.log | tail -n 5)"; return 1; }
	mkdir -p registry && cp "$ROOT"/build/npm/*.tgz "$ROOT"/build/grammars/tarballs/*.tgz registry/ || return 1
	local name version integrity
	while read -r name version integrity; do
		(cd registry && npm pack --silent --prefer-offline --cache "$ROOT/build/npm-cache" "$name@$version" >/dev/null 2>&1) ||
			{ fail "could not get $name@$version (npm cache in build/npm-cache, else the registry)"; return 1; }
		[ "$(sha512_of "registry/$name-$version.tgz")" = "$integrity" ] ||
			{ fail "$name-$version.tgz does not match its pinned sha512"; return 1; }
	done <<<"$NPM_PINS"
	python3 "$ROOT/tests/npm_registry.py" registry "$PWD/registry.port" >registry.log 2>&1 &
	REGISTRY_PID=$!
	trap 'kill "$REGISTRY_PID" 2>/dev/null' EXIT
	local i
	for i in $(seq 100); do
		[ -s registry.port ] && break
		sleep 0.1
	done
	[ -s registry.port ] || { fail "the local registry did not start: $(cat registry.log)"; return 1; }
	REGISTRY=http://127.0.0.1:$(cat registry.port)
	export npm_config_registry=$REGISTRY/ npm_config_cache=$PWD/npm-cache \
		npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
}

# js_project DIR: a git repository with a package.json, node_modules ignored; cwd moves there.
js_project() {
	git init -q "$1" && cd "$1" || return 1
	printf '{ "name": "app", "version": "1.0.0", "private": true }\n' >package.json
	printf 'node_modules\n' >.gitignore
}

# npm_quiet ARGS...: npm ARGS, its output kept in npm.log and shown on failure.
npm_quiet() {
	npm "$@" >npm.log 2>&1 || { fail "npm $* failed: $(tail -n 15 npm.log)"; return 1; }
	rm -f npm.log
}
