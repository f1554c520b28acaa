import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launcherDataDir } from './data-dir.js';
import { planLaunch, rollback } from './plan.js';
import {
  EMPTY_STATE,
  type InstalledVersion,
  RESTART_EXIT_CODE,
  readVersionState,
  setLauncherInfo,
  VERSIONS_DIR,
  type VersionState,
  writeVersionState,
} from './state.js';

// The installed bundle's entry (`outpost-agent.mjs`). It picks the version to run (the bundle's own, or one
// installed beside it by a fleet upgrade), counts the starts of a version on trial, rolls it back when it has
// not reached the hub in time, and imports it in this same process (no second Node.js in memory). It loads
// nothing but node's own modules and these small files: it must keep working whatever a version does.

export interface LaunchOptions {
  /** Folder of the installed bundle (where `agent.mjs` of the bundle's own version is). */
  baseDir: string;
  baseVersion: string;
  argv?: string[];
  env?: Record<string, string | undefined>;
  now?: () => number;
  /** Ends the process (tests replace it). */
  exit?: (code: number) => never;
}

/** The subcommand: the first argument that is not an option. */
function subcommand(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/** Starts the version the state names; see planLaunch for the rules. */
export async function launch(o: LaunchOptions): Promise<void> {
  const argv = o.argv ?? process.argv;
  const env = o.env ?? process.env;
  const now = o.now ?? Date.now;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const args = argv.slice(2);
  const isService = subcommand(args) === 'run';
  // The service logs JSON lines on stdout; other commands print there (status --json), so notes go to stderr.
  const note = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) => {
    const line = JSON.stringify({
      level,
      time: new Date(now()).toISOString(),
      msg,
      part: 'launcher',
      ...fields,
    });
    (isService ? process.stdout : process.stderr).write(`${line}\n`);
  };
  const dataDir = launcherDataDir(args, env, {
    cwd: process.cwd(),
    exists: (f) => fs.existsSync(f),
    readFile: (f) => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    },
  });

  let state: VersionState;
  try {
    state = readVersionState(dataDir);
  } catch (err) {
    note('error', `${(err as Error).message}; starting the installed version ${o.baseVersion}`);
    state = { ...EMPTY_STATE, events: [] };
  }
  const plan = planLaunch(state, now(), o.baseVersion, isService);
  if (plan.write) {
    try {
      writeVersionState(dataDir, plan.write);
      state = plan.write;
    } catch (err) {
      // Without a writable state the trial cannot be counted: start the installed version instead.
      note('error', `cannot write the version state: ${(err as Error).message}`);
      plan.run = { version: o.baseVersion, dir: null };
      delete plan.deadline;
    }
  }
  if (plan.rolledBack)
    note('warn', 'upgrade rolled back', {
      version: plan.rolledBack.version,
      to: plan.rolledBack.to,
      reason: plan.rolledBack.reason,
    });

  const entryOf = (v: InstalledVersion) =>
    v.dir === null ? path.join(o.baseDir, 'agent.mjs') : path.join(dataDir, VERSIONS_DIR, v.dir, 'agent.mjs');

  /** Rolls the running version back and ends the process so that the service manager starts the previous one. */
  const giveUp = (reason: string): never => {
    let current = state;
    try {
      current = readVersionState(dataDir);
    } catch {
      // keep what we had
    }
    const next = rollback(current, o.baseVersion, reason, now());
    try {
      writeVersionState(dataDir, next);
    } catch (err) {
      note('error', `cannot write the version state: ${(err as Error).message}`);
    }
    note('warn', 'upgrade rolled back', {
      version: current.active?.version ?? o.baseVersion,
      to: next.active?.version ?? o.baseVersion,
      reason,
    });
    return exit(RESTART_EXIT_CODE);
  };

  if (plan.deadline !== undefined) {
    const version = plan.run.version;
    const timer = setTimeout(
      () => {
        // Confirmed meanwhile (the version cleared its trial), or already handled: nothing to do.
        let current: VersionState;
        try {
          current = readVersionState(dataDir);
        } catch {
          return;
        }
        if (current.trial?.version !== version) return;
        state = current;
        giveUp(`version ${version} did not reach the hub within ${current.trial.confirm_s} s`);
      },
      Math.max(0, plan.deadline - now()),
    );
    timer.unref();
  }

  setLauncherInfo({
    baseVersion: o.baseVersion,
    baseDir: o.baseDir,
    dataDir,
    running: plan.run,
    trial: plan.deadline !== undefined,
  });
  try {
    await import(pathToFileURL(entryOf(plan.run)).href);
  } catch (err) {
    if (plan.run.dir === null) throw err;
    if (!isService) {
      note('error', `version ${plan.run.version} cannot start: ${(err as Error).message}`);
      exit(1);
      return;
    }
    giveUp(`version ${plan.run.version} failed to load: ${(err as Error).message}`.slice(0, 1000));
  }
}
