#!/usr/bin/env node
// Collects every *.test.ts in the repository (Node 20 does not expand globs itself) and runs them with
// Node's built-in test runner through tsx, on the machine's Node.js; then the unit and contract tests and a
// few end-to-end tests again on the second supported Node.js version (scripts/node-versions.mjs). Arguments are
// substrings that narrow the file list of both runs:
//   npm test                 every test file, then the second Node.js run
//   npm test -- protocol     only files whose path contains "protocol"
// OUTPOST_TEST_EXTRA_NODE=off skips the second run, =only runs only it. Without CI=true a second run that is not
// prepared is skipped with the reason; under CI=true it is a failure.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTRA_NODE_VERSION, status } from './node-versions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipDirs = new Set(['node_modules', '.git', '.tsbuild', '.cache', 'data', 'test-artifacts', 'dist']);

/**
 * What the second Node.js version runs: every test inside a package (unit and contract tests, with their real
 * SQLite files, MQTT connections and HTTP servers), and these end-to-end tests: the installed hub bundle under its
 * systemd command line, the agent's CLI and bundle, an agent delivering to a hub through a real broker, and the
 * hub's CLI. The browser, camera, SNMP-peer and alert end-to-end tests run on the machine's Node.js only.
 */
const EXTRA_NODE_E2E = [
  'test/hub-bundle.test.ts',
  'test/agent-cli.test.ts',
  'test/agent-delivery.test.ts',
  'test/hub-cli.test.ts',
];
const onExtraNode = (f) => !f.startsWith('test/') || EXTRA_NODE_E2E.includes(f);

function collect(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) collect(join(dir, entry.name), out);
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      out.push(relative(root, join(dir, entry.name)));
    }
  }
  return out;
}

/** Runs `files` with the test runner of `node`; resolves to its exit code. */
function runPass(node, files, env = process.env) {
  // Test files run in parallel subprocesses; real-peer tests use ephemeral ports so they can overlap. Most of
  // a real-peer test's time is waiting (polls, timeouts, peers starting), so two files per core keep the
  // cores busy: on 2 cores the whole suite took 14.6 min at one file per core with 1.2 cores in use. At most 8
  // at once: each may start its own PostgreSQL, broker or browser.
  const concurrency =
    Number(process.env.OUTPOST_TEST_CONCURRENCY) || Math.min(8, Math.max(2, 2 * availableParallelism()));
  const child = spawn(
    node,
    ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
    { cwd: root, stdio: 'inherit', env },
  );
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = collect(root, []).sort();
const files = filters.length ? all.filter((f) => filters.some((s) => f.includes(s))) : all;
if (files.length === 0) {
  console.error(
    filters.length
      ? `no test file matches ${filters.join(', ')}`
      : 'no *.test.ts file found in the repository',
  );
  process.exit(1);
}

const mode = process.env.OUTPOST_TEST_EXTRA_NODE ?? 'on';
if (!['on', 'off', 'only'].includes(mode)) {
  console.error(`OUTPOST_TEST_EXTRA_NODE: expected on, off or only, got ${mode}`);
  process.exit(2);
}

let code = 0;
if (mode !== 'only') {
  console.log(`running ${files.length} test files on Node.js ${process.versions.node}`);
  code = await runPass(process.execPath, files);
}

const extraFiles = files.filter(onExtraNode);
if (mode !== 'off' && extraFiles.length > 0) {
  const extra = status();
  if (!extra.ready) {
    if (process.env.CI === 'true') {
      console.error(`CI=true and the Node.js ${EXTRA_NODE_VERSION} run cannot start: ${extra.reason}`);
      code ||= 1;
    } else {
      console.log(`# skipped: the Node.js ${EXTRA_NODE_VERSION} run: ${extra.reason}`);
    }
  } else {
    console.log(`running ${extraFiles.length} test files on Node.js ${extra.version}`);
    // Child processes that tests start by name or with process.execPath are that Node.js too, and every one of
    // them loads better-sqlite3 built for it (scripts/native-binding.cjs).
    const preload = `--require=${join(root, 'scripts', 'native-binding.cjs')}`;
    const env = {
      ...process.env,
      PATH: `${dirname(extra.node)}${delimiter}${process.env.PATH ?? ''}`,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
    };
    // Run it even when the first pass failed (a `code ||= await ...` would skip it), so one run shows both.
    const extraCode = await runPass(extra.node, extraFiles, env);
    code ||= extraCode;
  }
}
process.exit(code);
