#!/usr/bin/env node
// Collects every *.test.ts in the repository (Node 20 does not expand globs itself) and runs them with
// Node's built-in test runner through tsx. Arguments are substrings that narrow the file list:
//   npm test                 every test file
//   npm test -- protocol     only files whose path contains "protocol"
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipDirs = new Set(['node_modules', '.git', '.tsbuild', 'data', 'test-artifacts']);

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

// Test files run in parallel subprocesses; real-peer tests use ephemeral ports so they can overlap.
const concurrency = Number(process.env.OUTPOST_TEST_CONCURRENCY) || Math.max(2, availableParallelism());
console.log(`running ${files.length} test files, ${concurrency} at a time`);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
