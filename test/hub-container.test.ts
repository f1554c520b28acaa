import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCommand } from './support/peers.js';
import { findPodman, imageExists, type Podman, podman } from './support/podman.js';
import { until } from './support/wait.js';

// Runs the hub image built from the current sources by `npm run test:container` (hub/deploy/Containerfile, through
// scripts/container.ts), which then runs this file with OUTPOST_TEST_CONTAINER=1. Building takes minutes (and an
// image left from an earlier build may not match the sources), so plain `npm test` skips it with that reason.
const ROOT = join(import.meta.dirname, '..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'hub/package.json'), 'utf8')).version as string;
const IMAGE = `localhost/outpost-hub:${VERSION}`;
const PASSWORD = 'Container-test-passphrase-7';
const METRICS_TOKEN = 'container-test-metrics-token-0123';
const REQUIRED = process.env.OUTPOST_TEST_CONTAINER === '1';

function setup(): { podman: Podman } | { skip: string } {
  const reason = (why: string) => {
    if (REQUIRED) throw new Error(`OUTPOST_TEST_CONTAINER=1 and the container test cannot run: ${why}`);
    console.log(`# skipped: ${why}`);
    return { skip: why };
  };
  if (!REQUIRED) {
    return reason('builds the hub image (minutes): `npm run test:container` builds it and runs this test');
  }
  if (!hasCommand('podman')) return reason('podman is not installed');
  if (!imageExists({ env: {} }, IMAGE)) {
    return reason(`no image ${IMAGE}: \`npm run container:build\` makes it`);
  }
  const p = findPodman(IMAGE);
  return 'reason' in p ? reason(p.reason) : { podman: p };
}

/** Waits until the hub in `container` answers its health route on `url`. */
function waitHealthy(url: string, container: string) {
  const healthy = async () => (await fetch(`${url}/api/v1/health`).catch(() => undefined))?.ok === true;
  return until(healthy, 60_000, `the hub in ${container} to answer on ${url}`, 250);
}

/** Starts a hub container on `volume` with a free loopback port; returns its URL. */
function runHub(p: Pick<Podman, 'env'>, container: string, env: string[] = []): string {
  const run = podman(p, [
    'run',
    '-d',
    '--name',
    container,
    '-p',
    '127.0.0.1::8080',
    '-v',
    `${volume}:/var/lib/outpost-hub`,
    '--read-only',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    ...env.flatMap((e) => ['-e', e]),
    IMAGE,
  ]);
  assert.equal(run.status, 0, run.stderr);
  const port = podman(p, ['port', container, '8080/tcp']).stdout.trim().split(':').pop();
  assert.ok(port, 'a published port');
  return `http://127.0.0.1:${port}`;
}

const ready = setup();
const name = `outpost-hub-test-${process.pid}`;
const volume = `${name}-data`;

describe('hub container image', { skip: 'skip' in ready ? ready.skip : false }, () => {
  const p = 'podman' in ready ? ready.podman : { env: {} };
  let url = '';

  before(async () => {
    console.log(`# podman: ${'podman' in ready ? ready.podman.note : ''}`);
    url = runHub(p, name, [`OUTPOST_ADMIN_PASSWORD=${PASSWORD}`, `OUTPOST_METRICS_TOKEN=${METRICS_TOKEN}`]);
    await waitHealthy(url, name);
  });

  after(() => {
    podman(p, ['rm', '-f', '--time', '0', name]);
    podman(p, ['volume', 'rm', '-f', volume]);
  });

  it('runs as a non-root user with its data in the volume', () => {
    const user = podman(p, ['image', 'inspect', '--format', '{{.Config.User}}', IMAGE]).stdout.trim();
    assert.equal(user, '10001:10001');
    const id = podman(p, ['exec', name, 'id']);
    assert.match(
      id.stdout,
      /^uid=10001\(outpost-hub\) gid=10001\(outpost-hub\) groups=10001\(outpost-hub\)$/m,
    );
    const files = podman(p, ['exec', name, 'ls', '-ln', '/var/lib/outpost-hub']);
    assert.match(files.stdout, /-rw------- +1 10001 +10001 .* hub\.db\n/);
    assert.match(files.stdout, /-rw------- +1 10001 +10001 .* secret\.key\n/);
  });

  it('answers health, the dashboard and the API docs, and its HEALTHCHECK passes', async () => {
    // Anonymous callers learn only the status; the metrics token shows the details.
    assert.deepEqual(await (await fetch(`${url}/api/v1/health`)).json(), { status: 'ok' });
    const auth = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };
    const health = (await (await fetch(`${url}/api/v1/health`, auth)).json()) as {
      status: string;
      version: string;
    };
    assert.deepEqual([health.status, health.version], ['ok', VERSION]);
    assert.equal((await fetch(`${url}/`)).status, 200);
    assert.equal((await fetch(`${url}/ui/lib/preact.js`)).status, 200);
    assert.equal((await fetch(`${url}/api/docs/swagger-ui-bundle.js`)).status, 200);
    const check = podman(p, ['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', IMAGE]);
    assert.match(check.stdout, /outpost-hub\.mjs","health"/);
    const run = podman(p, ['healthcheck', 'run', name]);
    assert.equal(run.status, 0, `healthcheck: ${run.stdout}${run.stderr}`);
  });

  it('stops cleanly on SIGTERM and keeps its data for the next container', async () => {
    const stop = podman(p, ['stop', '-t', '30', name]);
    assert.equal(stop.status, 0, stop.stderr);
    const code = podman(p, ['inspect', '--format', '{{.State.ExitCode}}', name]).stdout.trim();
    assert.equal(code, '0', 'the hub exits 0 on SIGTERM');
    assert.match(podman(p, ['logs', name]).stdout, /"msg":"hub stopped"/);
    // A new container on the same volume finds the admin that the first one created.
    podman(p, ['rm', '-f', name]);
    url = runHub(p, name);
    await waitHealthy(url, name);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    assert.equal(login.status, 200);
  });
});
