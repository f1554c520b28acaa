#!/usr/bin/env node
// Bundles the hub for installs into one folder that needs neither the sources nor the checkout's node_modules:
//   outpost-hub.mjs        the command: the hub and every JavaScript dependency, no TypeScript loader
//   assets/                the dashboard, the password list and the third-party files served to browsers
//                          (the lists in src/assets.ts: Preact, htm, uPlot, Swagger UI), with their licences
//   package.json           the one dependency that stays outside the bundle: better-sqlite3 (native code)
//   node_modules/          with --node-modules: better-sqlite3 as built in this checkout, for this machine's
//                          Node.js and CPU; without it, run `npm install --omit=dev` in the folder
//   THIRD-PARTY-NOTICES.txt  name, version, licence and licence text of every dependency inside the bundle
//   README.md              the hub's README (the unit's Documentation=)
//
//   node hub/deploy/build.mjs [--outdir DIR] [--node-modules]      (default DIR: hub/dist)
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { register } from 'tsx/esm/api';

const hubDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(hubDir, 'package.json'), 'utf8'));

/** Dependencies that stay outside the bundle: native addons, loaded from node_modules beside it. */
const EXTERNAL = ['better-sqlite3'];
/** Dependencies of an external package that only its `npm install` step uses (prebuilt download). */
const INSTALL_ONLY = new Set(['prebuild-install']);

function usage(message) {
  process.stderr.write(
    `build.mjs: ${message}\nusage: node hub/deploy/build.mjs [--outdir DIR] [--node-modules]\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { outdir: join(hubDir, 'dist'), nodeModules: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--outdir') {
      const dir = argv[++i];
      if (!dir || dir.startsWith('--')) usage('--outdir needs a directory');
      opts.outdir = resolve(dir);
    } else if (a === '--node-modules') opts.nodeModules = true;
    else if (a === '--help' || a === '-h') usage('bundles the hub for installs');
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

/** The folder of an installed package, found as Node does: up the node_modules chain from `from`. */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} is not installed (looked up from ${from})`);
  }
}

// A built addon keeps only what loads at run time: not its C sources, the SQLite amalgamation, object files or
// the test extension (better-sqlite3: 28 MB in node_modules, about 2 MB here).
const SKIP_DIRS = new Set(['deps', 'src', 'obj', 'obj.target', '.deps', 'test', 'docs']);
function runtimeFile(root, path) {
  const rel = relative(root, path);
  if (rel === '') return true;
  const parts = rel.split(sep);
  if (parts.some((p) => SKIP_DIRS.has(p))) return false;
  if (parts[0] === 'build') {
    if (parts.length === 1) return true;
    if (parts[1] !== 'Release') return false;
    return parts.length === 2 || (parts.length === 3 && /^(?!test_).*\.node$/.test(parts[2]));
  }
  return true;
}

/** Copies `name` and its run-time dependencies from the checkout into `outdir/node_modules`. */
function copyRuntimePackage(name, from, outdir, done = new Set()) {
  if (done.has(name) || INSTALL_ONLY.has(name)) return;
  done.add(name);
  const src = packageDir(name, from);
  cpSync(src, join(outdir, 'node_modules', name), {
    recursive: true,
    dereference: true,
    filter: (path) => runtimeFile(src, path),
  });
  const manifest = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) copyRuntimePackage(dep, src, outdir, done);
}

/** The licence notices of the npm packages whose files went into the bundle. */
function notices(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(resolve(hubDir, m[1]));
  }
  const entries = [...dirs]
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '(no licence file in the package)';
      return `${manifest.name}@${manifest.version} (${manifest.license ?? 'see text'})\n\n${text}\n`;
    })
    .sort();
  const rule = `\n${'-'.repeat(78)}\n\n`;
  return `Outpost hub bundle: third-party packages inside outpost-hub.mjs${rule}${entries.join(rule)}`;
}

const opts = parseArgs(process.argv.slice(2));
const { outdir } = opts;
mkdirSync(outdir, { recursive: true });

// The asset lists are TypeScript (src/assets.ts), shared with the code that serves them.
register();
const { HUB_ASSETS, VENDOR_ASSETS } = await import('../src/assets.ts');

const outfile = join(outdir, 'outpost-hub.mjs');
const result = await build({
  stdin: {
    contents: "import { main } from './src/cli/main.ts';\nawait main(process.argv);\n",
    resolveDir: hubDir,
    sourcefile: 'outpost-hub.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  external: EXTERNAL,
  define: {
    __OUTPOST_HUB_VERSION__: JSON.stringify(pkg.version),
    __OUTPOST_HUB_BUNDLE__: 'true',
  },
  // CommonJS dependencies inside the bundle need require.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __outpostCreateRequire } from 'node:module';\nconst require = __outpostCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  metafile: true,
  absWorkingDir: hubDir,
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
chmodSync(outfile, 0o755);
writeFileSync(join(outdir, 'THIRD-PARTY-NOTICES.txt'), notices(Object.keys(result.metafile.inputs)));
cpSync(join(hubDir, 'README.md'), join(outdir, 'README.md'));

// Assets: replaced as a whole, so that a file removed from the sources does not linger in an install.
const assets = join(outdir, 'assets');
rmSync(assets, { recursive: true, force: true });
for (const path of HUB_ASSETS) cpSync(join(hubDir, 'src', path), join(assets, path), { recursive: true });
for (const [name, files] of Object.entries(VENDOR_ASSETS)) {
  const dir = packageDir(name, hubDir);
  for (const file of files) cpSync(join(dir, file), join(assets, 'vendor', name, file));
}

const versions = Object.fromEntries(
  EXTERNAL.map((name) => [
    name,
    JSON.parse(readFileSync(join(packageDir(name, hubDir), 'package.json'), 'utf8')).version,
  ]),
);
const manifest = {
  name: 'outpost-hub',
  version: pkg.version,
  private: true,
  description: `${pkg.description} (bundle made by hub/deploy/build.mjs)`,
  license: pkg.license,
  type: 'module',
  engines: pkg.engines,
  bin: { 'outpost-hub': './outpost-hub.mjs' },
  dependencies: versions,
};
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

if (opts.nodeModules) {
  for (const name of EXTERNAL) rmSync(join(outdir, 'node_modules', name), { recursive: true, force: true });
  const done = new Set();
  for (const name of EXTERNAL) copyRuntimePackage(name, hubDir, outdir, done);
  process.stdout.write(
    `copied into ${join(outdir, 'node_modules')}: ${[...done].join(', ')} (built for Node ${process.versions.node}, ${process.platform}-${process.arch})\n`,
  );
}
process.stdout.write(
  `built ${outfile} ${pkg.version} with assets/ (external: ${EXTERNAL.map((n) => `${n}@${versions[n]}`).join(', ')})\n`,
);
