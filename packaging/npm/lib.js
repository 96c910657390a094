// packaging/npm/lib.js - where the npm package's native pgleak-hook binary is,
// and how to make one where no prebuilt binary exists.
//
// Used by the launcher (bin/pgleak-hook.js); the checker itself is C,
// nothing here analyses code.  The binary is looked for in this order:
//   1. PGLEAK_HOOK_BINARY, a binary the user built or placed themselves;
//   2. the prebuilt platform package (@pgleak-hook/linux-x64, a static
//      binary): an optionalDependency pinned to this exact version, which
//      npm installs only where its os/cpu fields match (esbuild's and
//      lefthook's pattern);
//   3. build/pgleak-hook inside this package, built on first use from the C
//      sources and Makefile the package ships (`make`, which fetches the
//      pinned tree-sitter grammars with `npm pack`).  First use rather than
//      a postinstall script: npm (11) warns about dependencies' install
//      scripts and is moving to skipping them, pnpm skips them already, and
//      many teams set ignore-scripts; the prebuilt platform needs none.
// A build is only tried when a C compiler, make, pkg-config, openssl and the
// libraries (libgit2, libxxhash, tree-sitter able to load grammar ABI 14)
// are there; otherwise the message names exactly what is missing and how to
// install it on this platform.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILT = path.join(ROOT, 'build', 'pgleak-hook');
const PREBUILT = { 'linux-x64': '@pgleak-hook/linux-x64' };
const LIBS = ['libgit2', 'libxxhash', 'tree-sitter'];

function executable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch (e) {
    return false;
  }
}

function prebuilt() {
  const name = PREBUILT[`${process.platform}-${process.arch}`];
  if (!name) return null;
  try {
    return require.resolve(`${name}/bin/pgleak-hook`);
  } catch (e) {
    return null;
  }
}

function findBinary() {
  if (process.env.PGLEAK_HOOK_BINARY) return process.env.PGLEAK_HOOK_BINARY;
  return prebuilt() || (executable(BUILT) ? BUILT : null);
}

function runs(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

// The grammars are ABI 14: a tree-sitter runtime older than 0.20.7 cannot load them.
// (Debian's tree-sitter.pc carries a wrong version, hence the header.)
function treeSitterLoadsAbi14() {
  const r = spawnSync('pkg-config', ['--variable=includedir', 'tree-sitter'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return false;
  try {
    const api = fs.readFileSync(path.join(r.stdout.trim(), 'tree_sitter', 'api.h'), 'utf8');
    const m = /#define TREE_SITTER_LANGUAGE_VERSION (\d+)/.exec(api);
    return m !== null && Number(m[1]) >= 14;
  } catch (e) {
    return false;
  }
}

// What a source build needs and is not there, in words (empty: a build can be tried).
function missing() {
  if (process.platform === 'win32') return ['a POSIX system (Windows itself is not supported)'];
  const out = [];
  const cc = process.env.CC || 'cc';
  if (!runs(cc, ['--version'])) out.push(`a C compiler (${cc})`);
  if (!runs(process.env.MAKE || 'make', ['--version'])) out.push('make (GNU make)');
  if (!runs('openssl', ['version'])) out.push('openssl (checks the grammars\' sha512)');
  if (!runs('pkg-config', ['--version'])) {
    out.push('pkg-config');
    return out;
  }
  for (const lib of LIBS) {
    if (!runs('pkg-config', ['--exists', lib])) out.push(`${lib} (pkg-config finds no ${lib}.pc)`);
  }
  if (!out.some((m) => m.startsWith('tree-sitter')) && !treeSitterLoadsAbi14()) {
    out.push('tree-sitter 0.20.7 or later (the installed one cannot load grammar ABI 14)');
  }
  return out;
}

function advice(miss) {
  const head = `pgleak-hook: no prebuilt binary for ${process.platform}-${process.arch}`;
  if (process.platform === 'win32') {
    return `${head}: pgleak-hook runs on Windows inside WSL: in a WSL (e.g. Ubuntu) shell, ` +
      'clone the project there and run npm install, which installs the linux-x64 binary';
  }
  let how;
  if (process.platform === 'darwin') {
    how = 'install them with: xcode-select --install (cc, make), then ' +
      'brew install libgit2 tree-sitter xxhash pkg-config';
  } else {
    how = 'on Debian/Ubuntu install them with: apt-get install build-essential pkg-config ' +
      'openssl libgit2-dev libxxhash-dev libtree-sitter-dev';
  }
  return `${head}, and it cannot be built from source here: missing ${miss.join(', ')}; ` +
    `${how}; then run pgleak-hook again (or set PGLEAK_HOOK_BINARY to a pgleak-hook you built)`;
}

// Builds build/pgleak-hook from the shipped sources and returns it, or null
// after saying why.  make's output goes to stderr (stdout may be a JSON
// report).  Each build has its own folder (objects and grammars) and ends
// with a rename, so two first runs at once (a commit and an editor's
// language server) both finish with a whole binary.
function buildOrExplain() {
  const miss = missing();
  if (miss.length > 0) {
    process.stderr.write(`${advice(miss)}\n`);
    return null;
  }
  process.stderr.write(`pgleak-hook: no prebuilt binary for ${process.platform}-${process.arch}: ` +
    'building it from source, once (about a minute)\n');
  const out = `build/tmp-${process.pid}`;
  const jobs = Math.max(1, Math.min(os.cpus().length, 4));
  const r = spawnSync(process.env.MAKE || 'make',
    ['-C', ROOT, `-j${jobs}`, `OUT=${out}`, `GRAMMARS=${out}/grammars`, `${out}/pgleak-hook`],
    { stdio: ['ignore', 2, 2] });
  const made = path.join(ROOT, out, 'pgleak-hook');
  const ok = !r.error && r.status === 0 && executable(made);
  if (ok) fs.renameSync(made, BUILT);
  fs.rmSync(path.join(ROOT, out), { recursive: true, force: true });
  if (!ok) {
    process.stderr.write(`pgleak-hook: the source build in ${ROOT} failed (see make's messages above); ` +
      'fix what they name, then run pgleak-hook again\n');
    return null;
  }
  return BUILT;
}

module.exports = { findBinary, buildOrExplain };
