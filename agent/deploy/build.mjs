#!/usr/bin/env node
// Bundles the agent for installs into agent/dist:
//   outpost-agent.mjs   the command: a small launcher that starts the active version (this bundle's own, or
//                       one a fleet upgrade installed beside it: agent/README.md, "Fleet upgrades")
//   agent.mjs, chunks/  the agent itself; chunks hold the code loaded only when needed (cameras, checks)
// No TypeScript loader at run time, so the service starts faster and uses about 30 MB less memory.
// Dependencies with native code or their own loaders stay external and load from node_modules (so the output
// directory must be inside the checkout); @outpost/protocol is bundled.
//
// With --release FILE.tgz it makes a release bundle for fleet upgrades instead: the same files plus
// manifest.json and node_modules/ with the external JavaScript dependencies, packed as a gzip tar. The native
// SQLite binding is not in it: an agent links the one it already has. Sign it with `outpost-hub release sign`.
//
//   node agent/deploy/build.mjs [--outdir DIR] [--release FILE.tgz] [--set-version X]
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as tar from 'tar';

const agentDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
/** Bundled into the code (no loader of their own, or needed by the launcher and the upgrade code). */
const BUNDLED = new Set(['@outpost/protocol', 'tsx', 'zod', 'commander', 'tar', 'semver']);
/** Native: never in a release bundle (built for one machine); an upgraded agent links the one it has. */
const NATIVE = new Set(['better-sqlite3']);
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d));

function usage(message) {
  process.stderr.write(
    `build.mjs: ${message}\nusage: node agent/deploy/build.mjs [--outdir DIR] [--release FILE.tgz] [--set-version X]\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { outdir: join(agentDir, 'dist'), release: undefined, version: pkg.version };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (!v || v.startsWith('--')) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--outdir') opts.outdir = resolve(value());
    else if (a === '--release') opts.release = resolve(value());
    else if (a === '--set-version') opts.version = value();
    else if (a === '--help' || a === '-h') usage('bundles the agent for installs and releases');
    else usage(`unknown argument ${a}`);
  }
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(opts.version))
    usage(`--set-version: "${opts.version}" is not a semantic version`);
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

/** Copies `name` and its run-time dependencies into `outdir/node_modules` (one flat tree, as npm hoists). */
function copyPackage(name, from, outdir, done) {
  if (done.has(name) || NATIVE.has(name)) return;
  done.add(name);
  const src = packageDir(name, from);
  cpSync(src, join(outdir, 'node_modules', name), {
    recursive: true,
    dereference: true,
    filter: (p) => !p.slice(src.length).split('/').includes('node_modules'),
  });
  const manifest = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (dep.startsWith('@types/')) continue;
    copyPackage(dep, src, outdir, done);
  }
}

const opts = parseArgs(process.argv.slice(2));
const outdir = opts.release ? mkdtempSync(join(tmpdir(), 'outpost-agent-release-')) : opts.outdir;
const define = { __OUTPOST_AGENT_VERSION__: JSON.stringify(opts.version) };
// CommonJS dependencies inside the bundle need require.
const banner = {
  js: "#!/usr/bin/env node\nimport { createRequire as __outpostCreateRequire } from 'node:module';\nconst require = __outpostCreateRequire(import.meta.url);",
};

try {
  // Chunks are named by content: drop the previous build's.
  rmSync(`${outdir}/chunks`, { recursive: true, force: true });
  const agent = await build({
    stdin: {
      contents: "import { main } from './src/cli/main.ts';\nawait main(process.argv);\n",
      resolveDir: agentDir,
      sourcefile: 'agent.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    entryNames: 'agent',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    external,
    define,
    banner,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // The launcher: one small file of its own (node's modules only), the unit's ExecStart.
  const launcher = await build({
    stdin: {
      contents:
        "import { fileURLToPath } from 'node:url';\nimport { launch } from './src/upgrade/launcher.ts';\n" +
        "await launch({ baseDir: fileURLToPath(new URL('.', import.meta.url)), baseVersion: __OUTPOST_AGENT_VERSION__ });\n",
      resolveDir: agentDir,
      sourcefile: 'outpost-agent.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(outdir, 'outpost-agent.mjs'),
    define,
    banner: { js: '#!/usr/bin/env node' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (agent.errors.length > 0 || launcher.errors.length > 0) process.exit(1);
  chmodSync(join(outdir, 'outpost-agent.mjs'), 0o755);
  chmodSync(join(outdir, 'agent.mjs'), 0o755);

  if (!opts.release) {
    process.stdout.write(
      `built ${outdir}/outpost-agent.mjs, agent.mjs and chunks (external: ${external.join(', ')})\n`,
    );
  } else {
    const done = new Set();
    for (const dep of external) copyPackage(dep, agentDir, outdir, done);
    const native = Object.fromEntries(
      [...NATIVE].map((n) => [
        n,
        JSON.parse(readFileSync(join(packageDir(n, agentDir), 'package.json'), 'utf8')).version,
      ]),
    );
    writeFileSync(
      join(outdir, 'manifest.json'),
      `${JSON.stringify({ name: 'outpost-agent', version: opts.version, entry: 'agent.mjs', engines: { node: pkg.engines.node }, native, built_at: new Date().toISOString() }, null, 2)}\n`,
    );
    await tar.c({ gzip: true, file: opts.release, cwd: outdir, portable: true }, ['.']);
    const bytes = readFileSync(opts.release);
    process.stdout.write(
      `built release ${opts.version}: ${opts.release} (${statSync(opts.release).size} bytes, SHA-256 ${createHash('sha256').update(bytes).digest('hex')})\n` +
        `bundled packages: ${[...done].sort().join(', ')}\nsign it: outpost-hub release sign --key KEY.pem ${opts.release}\n`,
    );
  }
} finally {
  if (opts.release) rmSync(outdir, { recursive: true, force: true });
}
