import fs from 'node:fs';
import path from 'node:path';

// This file is shared by the launcher (the installed bundle's entry, which must stay small: no zod, no other
// module of the agent) and the agent's upgrade code. Its state file is the contract between the launcher of
// the installed bundle and every version it starts: change it only additively.

/** The exit code that asks the service manager to start the agent again (systemd: RestartForceExitStatus). */
export const RESTART_EXIT_CODE = 75;
/** A version in trial that exits this many times before reaching the hub is rolled back. */
export const MAX_TRIAL_STARTS = 3;

/** The folder of installed versions inside the data directory, and its state file. */
export const VERSIONS_DIR = 'versions';
export const VERSIONS_STATE = 'state.json';

/** A version the launcher can start: the installed bundle itself (`dir: null`) or one under versions/. */
export interface InstalledVersion {
  version: string;
  /** Folder name under `<data>/versions/`; null for the bundle the launcher belongs to. */
  dir: string | null;
}

/** A version being tried: it must reach the hub before `deadline`, within `MAX_TRIAL_STARTS` starts. */
export interface Trial {
  version: string;
  from_version: string;
  confirm_s: number;
  installed_at: number;
  /** Set when the new version first starts. */
  deadline: number | null;
  /** Starts of the new version so far. */
  starts: number;
  job_id?: string;
}

/** An upgrade outcome the agent has not told the hub yet (becomes an `upgrade_state` event). */
export interface PendingUpgradeEvent {
  phase: 'installed' | 'confirmed' | 'rolled_back' | 'refused';
  version: string;
  from_version?: string;
  reason?: string;
  job_id?: string;
  ts: number;
}

/** `<data>/versions/state.json`. */
export interface VersionState {
  v: 1;
  /** What the launcher starts; null: the installed bundle. */
  active: InstalledVersion | null;
  /** What ran before `active`: the rollback target (null: the installed bundle). */
  previous: InstalledVersion | null;
  trial: Trial | null;
  events: PendingUpgradeEvent[];
}

export const EMPTY_STATE: VersionState = { v: 1, active: null, previous: null, trial: null, events: [] };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const VERSION_DIR = /^[0-9A-Za-z.+-]{1,64}$/;

function installed(x: unknown, field: string): InstalledVersion | null {
  if (x === null || x === undefined) return null;
  if (!isObject(x) || typeof x.version !== 'string') throw new Error(`${field}: not a version`);
  if (x.dir !== null && (typeof x.dir !== 'string' || !VERSION_DIR.test(x.dir)))
    throw new Error(`${field}.dir: not a folder name`);
  return { version: x.version, dir: x.dir as string | null };
}

/** Checks a parsed state file by hand (the launcher loads no schema library). Throws naming the field. */
export function checkState(raw: unknown): VersionState {
  if (!isObject(raw) || raw.v !== 1) throw new Error('not a version state (v: 1)');
  let trial: Trial | null = null;
  if (raw.trial !== null && raw.trial !== undefined) {
    const t = raw.trial;
    if (
      !isObject(t) ||
      typeof t.version !== 'string' ||
      typeof t.from_version !== 'string' ||
      typeof t.confirm_s !== 'number' ||
      typeof t.installed_at !== 'number' ||
      !(t.deadline === null || typeof t.deadline === 'number') ||
      typeof t.starts !== 'number'
    )
      throw new Error('trial: malformed');
    trial = t as unknown as Trial;
  }
  const events = Array.isArray(raw.events)
    ? (raw.events.filter(
        (e) => isObject(e) && typeof e.phase === 'string' && typeof e.version === 'string',
      ) as PendingUpgradeEvent[])
    : [];
  return {
    v: 1,
    active: installed(raw.active, 'active'),
    previous: installed(raw.previous, 'previous'),
    trial,
    events,
  };
}

/** Reads the state of `dataDir` (the empty state when there is none). Throws when the file is unreadable. */
export function readVersionState(dataDir: string): VersionState {
  const file = path.join(dataDir, VERSIONS_DIR, VERSIONS_STATE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...EMPTY_STATE, events: [] };
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return checkState(JSON.parse(text));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes the state atomically (temp file, fsync, rename), creating versions/ (0700) when needed. */
export function writeVersionState(dataDir: string, state: VersionState): void {
  const dir = path.join(dataDir, VERSIONS_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, VERSIONS_STATE);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** What the launcher tells the version it starts (read by the agent through `launcherInfo()`). */
export interface LauncherInfo {
  /** The installed bundle's own version and folder (where the launcher lives). */
  baseVersion: string;
  baseDir: string;
  dataDir: string;
  /** The version started and whether it is on trial. */
  running: InstalledVersion;
  trial: boolean;
}

const LAUNCHER_KEY = Symbol.for('outpost.agent.launcher');

/** Set by the launcher before it imports a version. */
export function setLauncherInfo(info: LauncherInfo): void {
  (globalThis as Record<symbol, unknown>)[LAUNCHER_KEY] = info;
}

/** What the launcher set, or null when the agent runs without one (from its sources, or an older bundle). */
export function launcherInfo(): LauncherInfo | null {
  const info = (globalThis as Record<symbol, unknown>)[LAUNCHER_KEY];
  return isObject(info) && typeof info.baseVersion === 'string' ? (info as unknown as LauncherInfo) : null;
}
