import type { CommandArgs, KnownEvent } from '@outpost/protocol';
import { type InstallDeps, installRelease, UpgradeError, type UpgradeIdentity } from './install.js';
import { type LauncherInfo, type PendingUpgradeEvent, readVersionState, writeVersionState } from './state.js';

export interface UpgradeTrackerOptions {
  dataDir: string;
  /** This version. */
  version: string;
  identity: UpgradeIdentity;
  launcher: LauncherInfo | null;
  /** Appends events to the outbox (they reach the hub like every result). */
  record(events: KnownEvent[]): void;
  /** Asks the service to stop and start again (into the version just installed). */
  restart(reason: string): void;
  log: {
    info(f: Record<string, unknown>, m: string): void;
    warn(f: Record<string, unknown>, m: string): void;
  };
  now(): number;
  /** Installer overrides (tests). */
  install?: Partial<InstallDeps>;
}

export interface UpgradeTracker {
  /** Reports upgrade outcomes not yet told to the hub (a rollback decided by the launcher, say). */
  flush(): void;
  /** The hub answered this version: a trial of it is over, it stays. */
  reachedHub(): void;
  /** Runs an `upgrade` command: installs, then restarts; an UpgradeError when refused. */
  upgrade(
    args: CommandArgs<'upgrade'>,
    job: { id: string; signal: AbortSignal; log(line: string): void },
  ): Promise<Record<string, unknown>>;
}

const toEvent = (e: PendingUpgradeEvent): KnownEvent => ({
  type: 'upgrade_state',
  ts: e.ts,
  phase: e.phase,
  version: e.version,
  ...(e.from_version ? { from_version: e.from_version } : {}),
  ...(e.reason ? { reason: e.reason.slice(0, 1024) } : {}),
  ...(e.job_id ? { job_id: e.job_id } : {}),
});

/** The running agent's side of fleet upgrades (the launcher's side is launcher.ts). */
export function createUpgradeTracker(o: UpgradeTrackerOptions): UpgradeTracker {
  let confirmed = !o.launcher?.trial;
  const safely = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      o.log.warn({ err }, `${what} failed`);
    }
  };
  return {
    flush() {
      safely('reporting upgrade outcomes', () => {
        const state = readVersionState(o.dataDir);
        if (state.events.length === 0) return;
        // Into the outbox first: a crash before the state is written reports them twice, never not at all.
        o.record(state.events.map(toEvent));
        writeVersionState(o.dataDir, { ...state, events: [] });
      });
    },
    reachedHub() {
      if (confirmed) return;
      confirmed = true;
      safely('confirming the upgrade', () => {
        const state = readVersionState(o.dataDir);
        const trial = state.trial;
        if (trial?.version !== o.version) return;
        writeVersionState(o.dataDir, { ...state, trial: null });
        o.record([
          toEvent({
            phase: 'confirmed',
            version: o.version,
            from_version: trial.from_version,
            ts: o.now(),
            ...(trial.job_id ? { job_id: trial.job_id } : {}),
          }),
        ]);
        o.log.info(
          { version: o.version, from: trial.from_version },
          'upgrade confirmed: this version reached the hub',
        );
      });
    },
    async upgrade(args, job) {
      try {
        const r = await installRelease(
          { ...args, job_id: job.id },
          {
            identity: o.identity,
            runningVersion: o.version,
            launcher: o.launcher,
            signal: job.signal,
            log: (line) => job.log(line),
            now: o.now,
            ...o.install,
          },
        );
        if (r.already) return { version: r.version, already_running: true };
        o.record([
          toEvent({
            phase: 'installed',
            version: r.version,
            from_version: r.from_version,
            ts: o.now(),
            job_id: job.id,
          }),
        ]);
        o.restart(`upgrade to ${r.version}`);
        return { version: r.version, from_version: r.from_version, restarting: true };
      } catch (err) {
        if (err instanceof UpgradeError && err.code !== 'busy') {
          o.record([
            toEvent({
              phase: 'refused',
              version: args.version,
              from_version: o.version,
              reason: err.message,
              ts: o.now(),
              job_id: job.id,
            }),
          ]);
        }
        throw err;
      }
    },
  };
}
