// packaging/npm/install.js - npm's postinstall step of the pgleak-hook
// package.  Where the prebuilt platform package was installed there is
// nothing to do; elsewhere it builds the binary from the shipped sources, or
// says what is missing (lib.js).  It never fails the install: a teammate's
// `npm install` of a whole project must not stop because of one dev tool;
// without a binary the hook itself blocks commits and repeats the message.
'use strict';

const lib = require('./lib.js');

if (!lib.findBinary()) lib.buildOrExplain('npm postinstall');
