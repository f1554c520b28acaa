'use strict';
// Preloaded (NODE_OPTIONS=--require) into every process of the test run on the extra Node.js version
// (scripts/node-versions.mjs). node_modules holds better-sqlite3 built for the machine's Node.js; a process of the
// extra version loads the build made for its own ABI from .cache/node/v<version>/ instead. Processes of any other
// Node.js version (a test that starts /usr/bin/node) are left alone.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const manifestFile = join(__dirname, '..', '.cache', 'node', `v${process.versions.node}`, 'ready.json');
if (existsSync(manifestFile)) {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  if (manifest.abi === process.versions.modules) {
    const dlopen = process.dlopen;
    process.dlopen = function dlopenForThisAbi(module, filename, ...rest) {
      const file = /[\\/]better_sqlite3\.node$/.test(filename) ? manifest.binding : filename;
      return dlopen.call(this, module, file, ...rest);
    };
  }
}
