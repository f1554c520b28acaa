import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  compareReleaseVersions,
  type ReleaseStatement,
  type SignedRelease,
  verifyRelease,
} from '@outpost/protocol';
import semver from 'semver';
import * as tar from 'tar';
import {
  type InstalledVersion,
  type LauncherInfo,
  readVersionState,
  VERSIONS_DIR,
  type VersionState,
  writeVersionState,
} from './state.js';

/** Why an upgrade was not installed; the message says what to do. */
export class UpgradeError extends Error {
  constructor(
    readonly code:
      | 'no_launcher'
      | 'no_release_key'
      | 'signature'
      | 'downgrade'
      | 'busy'
      | 'node'
      | 'insecure'
      | 'download'
      | 'checksum'
      | 'bundle'
      | 'native'
      | 'smoke',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpgradeError';
  }
}

export interface UpgradeRequest {
  version: string;
  /** Where the bundle is, relative to the hub URL. */
  path: string;
  release: SignedRelease;
  confirm_s: number;
  job_id?: string;
}

/** Where the bundle comes from and who asks for it. */
export interface UpgradeIdentity {
  agent_id: string;
  secret: string;
  hub_url: string;
  /** The release key pinned at enrollment (raw Ed25519, base64). */
  release_key?: string;
}

export interface InstallDeps {
  identity: UpgradeIdentity;
  /** The version running now. */
  runningVersion: string;
  /** What the launcher set; null when the agent does not run from an installed bundle. */
  launcher: LauncherInfo | null;
  signal?: AbortSignal;
  log(line: string): void;
  now(): number;
  /** Default: node's. */
  fetch?: typeof fetch;
  /** Default: this process's. */
  nodeVersion?: string;
  /** The native SQLite binding the new version will use; default: the one this version loaded. */
  native?: () => { dir: string; version: string };
  /** Runs `<entry> --version` and resolves to what it printed; default: a child node with a time limit. */
  smokeTest?: (entry: string, signal?: AbortSignal) => Promise<string>;
}

export interface Installed {
  version: string;
  from_version: string;
  /** True when that version already runs (nothing installed). */
  already: boolean;
}

/** The bundle's manifest.json (written by agent/deploy/build.mjs --release). */
interface Manifest {
  name: string;
  version: string;
  entry: string;
  engines: { node: string };
  native: Record<string, string>;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const SMOKE_TIMEOUT_MS = 60_000;
/** What a bundle may hold once unpacked (bytes): a guard against a decompression bomb. */
const UNPACKED_MAX_BYTES = 512 * 1024 * 1024;

/** The native SQLite binding this code loads, and its version. */
export function loadedNative(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkg = fs.realpathSync(require.resolve('better-sqlite3/package.json'));
  return { dir: path.dirname(pkg), version: JSON.parse(fs.readFileSync(pkg, 'utf8')).version };
}

/** `node <entry> --version` in a child process, with a time limit. */
export function runVersion(entry: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OUTPOST_')));
    const child = spawn(process.execPath, [entry, '--version'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: SMOKE_TIMEOUT_MS,
      signal,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code, sig) => {
      if (code === 0) resolve(out.trim());
      else
        reject(
          new Error(
            `exited with ${sig ?? code}: ${(err.trim() || out.trim()).split('\n').slice(-3).join(' | ')}`,
          ),
        );
    });
  });
}

/** Streams the bundle to `file`, hashing it; refuses more than `size` bytes. */
async function download(url: URL, file: string, expected: ReleaseStatement, deps: InstallDeps) {
  const { identity } = deps;
  const auth = Buffer.from(`${identity.agent_id}:${identity.secret}`).toString('base64');
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(url, {
      headers: { authorization: `Basic ${auth}`, accept: 'application/gzip' },
      signal: deps.signal,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new UpgradeError(
      'download',
      `cannot download ${url.origin}${url.pathname}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      { cause: err },
    );
  }
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    throw new UpgradeError(
      'download',
      `the hub answered ${res.status} for ${url.pathname}: ${text.slice(0, 200)}`,
    );
  }
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'w', 0o600);
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > expected.size)
        throw new UpgradeError('checksum', `the download is larger than the signed ${expected.size} bytes`);
      hash.update(chunk);
      fs.writeSync(fd, chunk);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const sha256 = hash.digest('hex');
  if (size !== expected.size || sha256 !== expected.sha256)
    throw new UpgradeError(
      'checksum',
      `the downloaded bundle (${size} bytes, SHA-256 ${sha256}) is not the signed one (${expected.size} bytes, SHA-256 ${expected.sha256})`,
    );
}

/** Unpacks regular files and folders only (no links, no absolute or parent paths), within a size bound. */
async function unpack(file: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let total = 0;
  let refused: string | undefined;
  await tar.x({
    file,
    cwd: dir,
    strict: true,
    preservePaths: false,
    filter: (p, entry) => {
      const type = (entry as { type?: string }).type;
      if (type !== 'File' && type !== 'Directory') {
        refused ??= `${p} (${type})`;
        return false;
      }
      total += (entry as { size?: number }).size ?? 0;
      if (total > UNPACKED_MAX_BYTES) {
        refused ??= `${p}: more than ${UNPACKED_MAX_BYTES} bytes unpacked`;
        return false;
      }
      return true;
    },
  });
  if (refused) throw new UpgradeError('bundle', `the bundle holds an entry that is not allowed: ${refused}`);
}

function readManifest(dir: string, statement: ReleaseStatement): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch (err) {
    throw new UpgradeError('bundle', `the bundle has no readable manifest.json: ${(err as Error).message}`);
  }
  if (m.name !== 'outpost-agent') throw new UpgradeError('bundle', `manifest.json: name is ${m.name}`);
  if (m.version !== statement.version)
    throw new UpgradeError(
      'bundle',
      `manifest.json says version ${m.version}, the signature ${statement.version}`,
    );
  if (m.entry !== 'agent.mjs' || !fs.existsSync(path.join(dir, m.entry)))
    throw new UpgradeError('bundle', 'the bundle has no agent.mjs');
  return m;
}

/** Makes the new version load the native SQLite binding this agent uses (it is built for this machine). */
function linkNative(dir: string, manifest: Manifest, native: { dir: string; version: string }): void {
  const wanted = manifest.native?.['better-sqlite3'];
  if (wanted && semver.major(wanted) !== semver.major(native.version)) {
    throw new UpgradeError(
      'native',
      `version ${manifest.version} needs better-sqlite3 ${wanted}, this agent has ${native.version} (another major version): upgrade this agent by hand`,
    );
  }
  const target = path.join(dir, 'node_modules', 'better-sqlite3');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.rmSync(target, { recursive: true, force: true });
  fs.symlinkSync(native.dir, target, 'dir');
}

/** Deletes installed versions other than those still needed. */
function prune(versionsDir: string, keep: readonly (InstalledVersion | null)[]): void {
  const needed = new Set(keep.map((v) => v?.dir).filter(Boolean));
  for (const name of fs.readdirSync(versionsDir)) {
    const full = path.join(versionsDir, name);
    if (needed.has(name) || !fs.statSync(full).isDirectory()) continue;
    fs.rmSync(full, { recursive: true, force: true });
  }
}

/**
 * Installs a signed release beside the running version and makes it the active one, on trial: the launcher
 * starts it at the next start, and rolls back unless it reaches the hub within `confirm_s`. The caller then
 * restarts the agent. Nothing changes when any check fails (an UpgradeError says which).
 */
export async function installRelease(req: UpgradeRequest, deps: InstallDeps): Promise<Installed> {
  const running = deps.runningVersion;
  if (!deps.launcher)
    throw new UpgradeError(
      'no_launcher',
      'this agent does not run from an installed bundle (outpost-agent.mjs), so it cannot switch versions; upgrade it by hand',
    );
  const key = deps.identity.release_key;
  if (!key)
    throw new UpgradeError(
      'no_release_key',
      "no release key is pinned in identity.json; pin the hub operator's key with `outpost-agent release-key --set KEY`",
    );
  let statement: ReleaseStatement;
  try {
    statement = verifyRelease(req.release, key);
  } catch (err) {
    throw new UpgradeError('signature', `release ${req.version} refused: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (statement.version !== req.version)
    throw new UpgradeError(
      'signature',
      `the signature is for version ${statement.version}, not ${req.version}`,
    );
  const order = compareReleaseVersions(statement.version, running);
  if (order === 0) return { version: running, from_version: running, already: true };
  if (order < 0)
    throw new UpgradeError(
      'downgrade',
      `version ${statement.version} is older than the running ${running}; downgrades are refused (publish a newer release)`,
    );
  const dataDir = deps.launcher.dataDir;
  const state: VersionState = readVersionState(dataDir);
  if (state.trial)
    throw new UpgradeError(
      'busy',
      `version ${state.trial.version} is still on trial; try again once it is confirmed`,
    );
  const nodeVersion = deps.nodeVersion ?? process.version;
  if (!semver.satisfies(nodeVersion, statement.node))
    throw new UpgradeError(
      'node',
      `version ${statement.version} needs Node.js ${statement.node}; this machine runs ${nodeVersion}`,
    );
  const url = new URL(
    req.path,
    deps.identity.hub_url.endsWith('/') ? deps.identity.hub_url : `${deps.identity.hub_url}/`,
  );
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname)))
    throw new UpgradeError(
      'insecure',
      `the hub URL ${url.origin} is not https://; bundles are downloaded over HTTPS only (plain http only from this machine)`,
    );

  const versionsDir = path.join(dataDir, VERSIONS_DIR);
  fs.mkdirSync(versionsDir, { recursive: true, mode: 0o700 });
  const tag = `${statement.version}-${process.pid}`;
  const file = path.join(versionsDir, `.download-${tag}.tgz`);
  const staging = path.join(versionsDir, `.unpack-${tag}`);
  const dir = path.join(versionsDir, statement.version);
  try {
    deps.log(`downloading ${statement.version} (${statement.size} bytes) from ${url.origin}${url.pathname}`);
    await download(url, file, statement, deps);
    deps.log(`SHA-256 ${statement.sha256} matches the release signed by key ${req.release.key_id}`);
    await unpack(file, staging);
    const manifest = readManifest(staging, statement);
    linkNative(staging, manifest, (deps.native ?? loadedNative)());
    const printed = await (deps.smokeTest ?? runVersion)(
      path.join(staging, manifest.entry),
      deps.signal,
    ).catch((err: unknown) => {
      throw new UpgradeError(
        'smoke',
        `version ${statement.version} does not start: ${(err as Error).message}`,
      );
    });
    if (printed !== statement.version)
      throw new UpgradeError(
        'smoke',
        `version ${statement.version} reports itself as "${printed.slice(0, 64)}"`,
      );
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const now = deps.now();
  const active: InstalledVersion = { version: statement.version, dir: statement.version };
  const previous = deps.launcher.running;
  const next: VersionState = {
    v: 1,
    active,
    previous,
    trial: {
      version: statement.version,
      from_version: running,
      confirm_s: req.confirm_s,
      installed_at: now,
      deadline: null,
      starts: 0,
      ...(req.job_id ? { job_id: req.job_id } : {}),
    },
    events: state.events,
  };
  writeVersionState(dataDir, next);
  prune(versionsDir, [active, previous]);
  deps.log(
    `installed ${statement.version} beside ${running}; restarting into it (back to ${running} unless it reaches the hub within ${req.confirm_s} s)`,
  );
  return { version: statement.version, from_version: running, already: false };
}
