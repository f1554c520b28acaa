'use strict';
// Preloaded (NODE_OPTIONS=--require) into every process of the test run on the extra Node.js version
// (scripts/node-versions.mjs). node_modules holds better-sqlite3 built for the machine's Node.js; a process of the
// extra version loads, for the same better-sqlite3 version, the build made for its own Node.js from the cache that
// node-versions.mjs fills. Processes of a Node.js without such a build (a test that starts /usr/bin/node) are
// left alone, and so is any other addon.
const { existsSync, readFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');

const cache = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'outpost',
  'node',
  `v${process.versions.node}`,
);
if (existsSync(cache)) {
  const found = new Map();
  /** The build for this Node.js of the better-sqlite3 that `file` belongs to, when there is one. */
  const buildFor = (file) => {
    const pkgDir = dirname(dirname(dirname(file))); // <pkg>/build/Release/better_sqlite3.node
    if (!found.has(pkgDir)) {
      let build;
      try {
        const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
        const dir = join(cache, `better-sqlite3-${version}`);
        if (existsSync(join(dir, 'loaded'))) build = join(dir, 'build', 'Release', 'better_sqlite3.node');
      } catch {
        // not an installed package: load the file as asked
      }
      found.set(pkgDir, build);
    }
    return found.get(pkgDir);
  };
  const dlopen = process.dlopen;
  process.dlopen = function dlopenForThisNode(module, filename, ...rest) {
    const file = /[\\/]better_sqlite3\.node$/.test(filename) ? (buildFor(filename) ?? filename) : filename;
    return dlopen.call(this, module, file, ...rest);
  };
}
