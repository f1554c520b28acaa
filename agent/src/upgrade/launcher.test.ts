import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { EMPTY_STATE, RESTART_EXIT_CODE, readVersionState, type Trial, writeVersionState } from './state.js';

// The launcher runs in a child process (it imports a version into its own process and may end it), with a
// base bundle and installed versions made of tiny entry files.
const LAUNCHER = pathToFileURL(path.join(import.meta.dirname, 'launcher.ts')).href;

function runLauncher(
  baseDir: string,
  dataDir: string,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const script = `import { launch } from ${JSON.stringify(LAUNCHER)};\nawait launch({ baseDir: ${JSON.stringify(baseDir)}, baseVersion: '0.1.0' });\n`;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, 'outpost-agent', ...args, '--data', dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OUTPOST_DATA_DIR: '' } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

const trial = (t: Partial<Trial> = {}): Trial => ({
  version: '0.2.0',
  from_version: '0.1.0',
  confirm_s: 300,
  installed_at: Date.now(),
  deadline: null,
  starts: 0,
  job_id: 'job_1',
  ...t,
});

describe('the launcher', () => {
  let root: string;
  let baseDir: string;
  let dataDir: string;
  const install = (version: string, source: string) => {
    const dir = path.join(dataDir, 'versions', version);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'agent.mjs'), source);
  };
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-launcher-'));
    baseDir = path.join(root, 'dist');
    fs.mkdirSync(baseDir);
    // Prints which version ran, what the launcher told it, and the arguments it got.
    fs.writeFileSync(
      path.join(baseDir, 'agent.mjs'),
      "const info = globalThis[Symbol.for('outpost.agent.launcher')];\nconsole.log(JSON.stringify({ ran: 'base', trial: info.trial, args: process.argv.slice(2) }));\n",
    );
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const fresh = () => {
    dataDir = fs.mkdtempSync(path.join(root, 'data-'));
  };

  it('starts its own version when nothing is installed, passing the arguments on', async () => {
    fresh();
    const r = await runLauncher(baseDir, dataDir, ['status', '--json']);
    assert.equal(r.code, 0, r.err);
    const ran = JSON.parse(r.out);
    assert.equal(ran.ran, 'base');
    assert.equal(ran.trial, false);
    assert.deepEqual(ran.args.slice(0, 2), ['status', '--json']);
  });

  it('starts a version on trial, counting the start and setting its deadline', async () => {
    fresh();
    install('0.2.0', "console.log('0.2.0 ran');\n");
    writeVersionState(dataDir, {
      ...EMPTY_STATE,
      active: { version: '0.2.0', dir: '0.2.0' },
      trial: trial(),
    });
    const before = Date.now();
    const r = await runLauncher(baseDir, dataDir, ['run']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /0\.2\.0 ran/);
    const state = readVersionState(dataDir);
    assert.equal(state.trial?.starts, 1);
    assert.ok((state.trial?.deadline ?? 0) >= before + 300_000);
  });

  it('rolls back at once when the version on trial cannot be loaded', async () => {
    fresh();
    install('0.2.0', 'import "./no-such-module.mjs";\n');
    writeVersionState(dataDir, {
      ...EMPTY_STATE,
      active: { version: '0.2.0', dir: '0.2.0' },
      trial: trial(),
    });
    const r = await runLauncher(baseDir, dataDir, ['run']);
    assert.equal(r.code, RESTART_EXIT_CODE, r.err);
    assert.match(r.out, /"msg":"upgrade rolled back".*failed to load/);
    const state = readVersionState(dataDir);
    assert.equal(state.active, null);
    assert.equal(state.trial, null);
    assert.equal(state.events[0]?.phase, 'rolled_back');
    assert.equal(state.events[0]?.job_id, 'job_1');
    // The next start runs the bundle's own version again.
    const next = await runLauncher(baseDir, dataDir, ['run']);
    assert.equal(JSON.parse(next.out).ran, 'base');
  });

  it('ends a version on trial that has not reached the hub by its deadline', async () => {
    fresh();
    // Runs like a service that never reaches the hub.
    install('0.2.0', "console.log('0.2.0 running'); setInterval(() => {}, 1000);\n");
    writeVersionState(dataDir, {
      ...EMPTY_STATE,
      active: { version: '0.2.0', dir: '0.2.0' },
      trial: trial({ confirm_s: 1 }),
    });
    const r = await runLauncher(baseDir, dataDir, ['run']);
    assert.equal(r.code, RESTART_EXIT_CODE, r.err);
    assert.match(r.out, /did not reach the hub within 1 s/);
    assert.equal(readVersionState(dataDir).active, null);
  });

  it('leaves a version that confirmed itself in time alone', async () => {
    fresh();
    // Clears its own trial (as the agent does on its first ack from the hub), then ends normally.
    const stateFile = path.join(dataDir, 'versions', 'state.json');
    install(
      '0.2.0',
      `import fs from 'node:fs';\nsetTimeout(() => { const s = JSON.parse(fs.readFileSync(${JSON.stringify(stateFile)}, 'utf8')); s.trial = null; fs.writeFileSync(${JSON.stringify(stateFile)}, JSON.stringify(s)); }, 100);\nsetTimeout(() => process.exit(0), 2500);\n`,
    );
    writeVersionState(dataDir, {
      ...EMPTY_STATE,
      active: { version: '0.2.0', dir: '0.2.0' },
      trial: trial({ confirm_s: 1 }),
    });
    const r = await runLauncher(baseDir, dataDir, ['run']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.deepEqual(readVersionState(dataDir).active, { version: '0.2.0', dir: '0.2.0' });
  });
});
