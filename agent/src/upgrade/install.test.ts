import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { rawPublicKey, type SignedRelease, signRelease } from '@outpost/protocol';
import * as tar from 'tar';
import { type InstallDeps, installRelease, loadedNative, type UpgradeRequest } from './install.js';
import { EMPTY_STATE, type LauncherInfo, readVersionState, writeVersionState } from './state.js';

const NOW = Date.UTC(2026, 10, 1, 12);
const { privateKey } = generateKeyPairSync('ed25519');
const otherKey = generateKeyPairSync('ed25519').privateKey;
const KEY = rawPublicKey(privateKey);

interface BundleOptions {
  version?: string;
  manifestVersion?: string;
  native?: string;
  /** agent.mjs source. */
  entry?: string;
  symlink?: boolean;
}

/** Makes a small bundle as build.mjs --release lays it out (manifest, agent.mjs, node_modules). */
async function makeBundle(dir: string, o: BundleOptions = {}): Promise<Buffer> {
  const version = o.version ?? '0.2.0';
  const src = fs.mkdtempSync(path.join(dir, 'src-'));
  fs.writeFileSync(
    path.join(src, 'manifest.json'),
    JSON.stringify({
      name: 'outpost-agent',
      version: o.manifestVersion ?? version,
      entry: 'agent.mjs',
      engines: { node: '^20.10.0 || ^24.0.0' },
      native: { 'better-sqlite3': o.native ?? loadedNative().version },
    }),
  );
  fs.writeFileSync(
    path.join(src, 'agent.mjs'),
    o.entry ?? `if (process.argv.includes('--version')) console.log(${JSON.stringify(version)});\n`,
  );
  fs.mkdirSync(path.join(src, 'node_modules', 'left-pad'), { recursive: true });
  fs.writeFileSync(path.join(src, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
  if (o.symlink) fs.symlinkSync('/etc/passwd', path.join(src, 'passwd'));
  const file = path.join(dir, `bundle-${version}-${Math.random()}.tgz`);
  await tar.c({ gzip: true, file, cwd: src, portable: true }, ['.']);
  fs.rmSync(src, { recursive: true, force: true });
  return fs.readFileSync(file);
}

function sign(
  bytes: Buffer,
  version: string,
  key: KeyObject = privateKey,
  node = '^20.10.0 || ^24.0.0',
): SignedRelease {
  return signRelease(
    {
      kind: 'outpost-agent-bundle',
      name: 'outpost-agent',
      version,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      node,
      signed_at: NOW,
    },
    key,
  );
}

describe('installRelease', () => {
  let root: string;
  let dataDir: string;
  let server: http.Server;
  let hubUrl: string;
  /** What the fake hub serves, and how many downloads it saw. */
  let served: Buffer = Buffer.alloc(0);
  let downloads = 0;
  let lastAuth = '';

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-upgrade-'));
    server = http.createServer((req, res) => {
      downloads++;
      lastAuth = req.headers.authorization ?? '';
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(served);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(root, 'data-'));
    downloads = 0;
  });

  const launcher = (): LauncherInfo => ({
    baseVersion: '0.1.0',
    baseDir: '/opt/outpost/agent/dist',
    dataDir,
    running: { version: '0.1.0', dir: null },
    trial: false,
  });
  const deps = (o: Partial<InstallDeps> = {}): InstallDeps => ({
    identity: { agent_id: 'agent-0123456789abcdef', secret: 's3cret', hub_url: hubUrl, release_key: KEY },
    runningVersion: '0.1.0',
    launcher: launcher(),
    log: () => {},
    now: () => NOW,
    ...o,
  });
  /** A bundle the fake hub now serves. */
  const serve = async (o: BundleOptions = {}) => {
    served = await makeBundle(root, o);
    return served;
  };
  const request = (release: SignedRelease, version = '0.2.0'): UpgradeRequest => ({
    version,
    path: `/api/v1/agent-bundles/${version}/download`,
    release,
    confirm_s: 60,
    job_id: 'job_abc',
  });

  it('installs beside the running version, links the native binding and puts it on trial', async () => {
    fs.mkdirSync(path.join(dataDir, 'versions', '0.0.9'), { recursive: true });
    served = await makeBundle(root);
    const lines: string[] = [];
    const r = await installRelease(request(sign(served, '0.2.0')), deps({ log: (l) => lines.push(l) }));
    assert.deepEqual(r, { version: '0.2.0', from_version: '0.1.0', already: false });
    const dir = path.join(dataDir, 'versions', '0.2.0');
    assert.ok(fs.existsSync(path.join(dir, 'agent.mjs')));
    assert.equal(fs.realpathSync(path.join(dir, 'node_modules', 'better-sqlite3')), loadedNative().dir);
    assert.ok(!fs.existsSync(path.join(dataDir, 'versions', '0.0.9')), 'older versions are pruned');
    const state = readVersionState(dataDir);
    assert.deepEqual(state.active, { version: '0.2.0', dir: '0.2.0' });
    assert.deepEqual(state.previous, { version: '0.1.0', dir: null });
    assert.equal(state.trial?.confirm_s, 60);
    assert.equal(state.trial?.starts, 0);
    assert.equal(state.trial?.job_id, 'job_abc');
    assert.equal(lastAuth, `Basic ${Buffer.from('agent-0123456789abcdef:s3cret').toString('base64')}`);
    assert.ok(lines.some((l) => /SHA-256 [0-9a-f]{64} matches/.test(l)));
    assert.deepEqual(
      fs.readdirSync(path.join(dataDir, 'versions')).sort(),
      ['0.2.0', 'state.json'],
      'no download or staging files left',
    );
  });

  it('does nothing for the version already running', async () => {
    served = await makeBundle(root, { version: '0.1.0' });
    const r = await installRelease(request(sign(served, '0.1.0'), '0.1.0'), deps());
    assert.equal(r.already, true);
    assert.equal(downloads, 0);
  });

  const refusals: {
    name: string;
    code: string;
    message: RegExp;
    setup: () => Promise<{ req: UpgradeRequest; deps?: Partial<InstallDeps> }>;
  }[] = [
    {
      name: 'signed by another key',
      code: 'signature',
      message: /signed with release key/,
      setup: async () => ({ req: request(sign(await serve(), '0.2.0', otherKey)) }),
    },
    {
      name: 'a signature of another version',
      code: 'signature',
      message: /for version 0\.3\.0, not 0\.2\.0/,
      setup: async () => ({
        req: { ...request(sign(await serve(), '0.3.0')), version: '0.2.0' },
      }),
    },
    {
      name: 'an older version',
      code: 'downgrade',
      message: /older than the running 0\.1\.0/,
      setup: async () => ({
        req: request(sign(await serve({ version: '0.0.5' }), '0.0.5'), '0.0.5'),
      }),
    },
    {
      name: 'bytes that are not the signed ones',
      code: 'checksum',
      message: /is not the signed one/,
      setup: async () => {
        const signed = sign(await makeBundle(root), '0.2.0');
        served = await makeBundle(root, { entry: 'console.log("0.2.0")' });
        return { req: request(signed) };
      },
    },
    {
      name: 'a manifest of another version inside a signed bundle',
      code: 'bundle',
      message: /manifest\.json says version 0\.2\.1/,
      setup: async () => ({
        req: request(sign(await serve({ manifestVersion: '0.2.1' }), '0.2.0')),
      }),
    },
    {
      name: 'a symbolic link in the bundle',
      code: 'bundle',
      message: /not allowed: .*passwd \(SymbolicLink\)/,
      setup: async () => ({
        req: request(sign(await serve({ symlink: true }), '0.2.0')),
      }),
    },
    {
      name: 'a version that does not start',
      code: 'smoke',
      message: /does not start: exited with 3: broken build/,
      setup: async () => ({
        req: request(
          sign(await serve({ entry: 'console.error("broken build"); process.exit(3);' }), '0.2.0'),
        ),
      }),
    },
    {
      name: 'another major version of the native binding',
      code: 'native',
      message: /needs better-sqlite3 99\.0\.0/,
      setup: async () => ({
        req: request(sign(await serve({ native: '99.0.0' }), '0.2.0')),
      }),
    },
    {
      name: 'a Node.js this machine does not run',
      code: 'node',
      message: /needs Node\.js \^26\.0\.0; this machine runs v20/,
      setup: async () => ({
        req: request(sign(await serve(), '0.2.0', privateKey, '^26.0.0')),
        deps: { nodeVersion: 'v20.20.0' },
      }),
    },
    {
      name: 'a hub reached over plain http on the network',
      code: 'insecure',
      message: /not https:\/\//,
      setup: async () => ({
        req: request(sign(await serve(), '0.2.0')),
        deps: {
          identity: {
            agent_id: 'agent-0123456789abcdef',
            secret: 's',
            hub_url: 'http://192.0.2.1:8080',
            release_key: KEY,
          },
        },
      }),
    },
    {
      name: 'no pinned release key',
      code: 'no_release_key',
      message: /release-key --set/,
      setup: async () => ({
        req: request(sign(await serve(), '0.2.0')),
        deps: { identity: { agent_id: 'agent-0123456789abcdef', secret: 's', hub_url: hubUrl } },
      }),
    },
    {
      name: 'an agent without the launcher',
      code: 'no_launcher',
      message: /upgrade it by hand/,
      setup: async () => ({
        req: request(sign(await serve(), '0.2.0')),
        deps: { launcher: null },
      }),
    },
    {
      name: 'another version still on trial',
      code: 'busy',
      message: /0\.1\.5 is still on trial/,
      setup: async () => {
        writeVersionState(dataDir, {
          ...EMPTY_STATE,
          active: { version: '0.1.5', dir: '0.1.5' },
          trial: {
            version: '0.1.5',
            from_version: '0.1.0',
            confirm_s: 60,
            installed_at: NOW,
            deadline: null,
            starts: 0,
          },
        });
        return { req: request(sign(await serve(), '0.2.0')) };
      },
    },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name}, changing nothing`, async () => {
      const { req, deps: extra } = await c.setup();
      const before = fs.existsSync(path.join(dataDir, 'versions', 'state.json'))
        ? fs.readFileSync(path.join(dataDir, 'versions', 'state.json'), 'utf8')
        : null;
      await assert.rejects(installRelease(req, deps(extra)), (err: Error & { code?: string }) => {
        assert.equal(err.code, c.code, err.message);
        assert.match(err.message, c.message);
        return true;
      });
      const after = fs.existsSync(path.join(dataDir, 'versions', 'state.json'))
        ? fs.readFileSync(path.join(dataDir, 'versions', 'state.json'), 'utf8')
        : null;
      assert.equal(after, before, 'the version state is unchanged');
      const left = fs.existsSync(path.join(dataDir, 'versions'))
        ? fs.readdirSync(path.join(dataDir, 'versions')).filter((f) => f !== 'state.json')
        : [];
      assert.deepEqual(left, [], 'nothing installed, nothing left behind');
    });
  }
});
