#!/usr/bin/env node
// packaging/npm/bin/pgleak-hook.js - the `pgleak-hook` command that npm
// puts in node_modules/.bin: it only finds the native binary (../lib.js;
// built on first use when no prebuilt one fits this platform) and runs it
// with the same arguments, stdin, stdout and stderr, then exits as it did:
// its exit code, or the signal that ended it, re-raised on this process
// (128 + its number when that signal cannot end a Node process).
'use strict';

const os = require('os');
const { spawnSync } = require('child_process');
const lib = require('../lib.js');

const bin = lib.findBinary() || lib.buildOrExplain();
if (bin === null) process.exit(2);

const r = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit' });
if (r.error) {
  process.stderr.write(`pgleak-hook: cannot run ${bin}: ${r.error.message}\n`);
  process.exit(2);
}
if (r.signal) {
  process.kill(process.pid, r.signal);
  process.exit(128 + (os.constants.signals[r.signal] || 0));
}
process.exit(r.status);
