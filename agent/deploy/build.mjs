#!/usr/bin/env node
// Bundles the agent for installs into agent/dist: outpost-agent.mjs (the command) and, in dist/chunks, the code
// it loads only when needed (cameras). No TypeScript loader at run time, so the service starts faster and uses
// about 30 MB less memory. Dependencies with native code or their own loaders stay external and load from
// node_modules (so the output directory must be inside the checkout); @outpost/protocol is bundled.
//   node agent/deploy/build.mjs [--outdir DIR]
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const agentDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outIndex = process.argv.indexOf('--outdir');
const outdir = outIndex > 0 ? process.argv[outIndex + 1] : `${agentDir}dist`;
const outfile = `${outdir}/outpost-agent.mjs`;
const external = Object.keys(pkg.dependencies).filter(
  (d) => d !== '@outpost/protocol' && d !== 'tsx' && d !== 'zod' && d !== 'commander',
);

// Chunks are named by content: drop the previous build's.
rmSync(`${outdir}/chunks`, { recursive: true, force: true });
const result = await build({
  stdin: {
    contents: "import { main } from './src/cli/main.ts';\nawait main(process.argv);\n",
    resolveDir: agentDir,
    sourcefile: 'outpost-agent.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir,
  entryNames: 'outpost-agent',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  external,
  define: { __OUTPOST_AGENT_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies inside the bundle need require.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __outpostCreateRequire } from 'node:module';\nconst require = __outpostCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
chmodSync(outfile, 0o755);
process.stdout.write(`built ${outfile} and its chunks (external: ${external.join(', ')})\n`);
