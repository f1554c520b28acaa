import path from 'node:path';

// Shared by config.ts and the launcher, which must find the data directory before any version (and its
// settings schema) is loaded. No dependencies beyond node.

/** The data directory of a packaged install (created by the systemd unit's StateDirectory). */
export const SYSTEM_DATA_DIR = '/var/lib/outpost-agent';
/** The settings file read when no --config / OUTPOST_CONFIG is given and it exists. */
export const SYSTEM_CONFIG_FILE = '/etc/outpost-agent/agent.json';

/** The default data directory: the packaged one when it exists, else ./data. */
export function defaultDataDir(systemDataDir: boolean): string {
  return systemDataDir ? SYSTEM_DATA_DIR : 'data';
}

/** The value of `--name X` or `--name=X` in command-line arguments. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return undefined;
    if (a === name) return args[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

export interface DataDirFacts {
  cwd: string;
  exists(file: string): boolean;
  /** The text of a file, or undefined when it cannot be read. */
  readFile(file: string): string | undefined;
}

/**
 * The data directory a command will use, found as the agent's settings do (flag > OUTPOST_DATA_DIR > the
 * settings file's data_dir > default), without validating anything else: a bad settings file is reported by
 * the agent itself once started.
 */
export function launcherDataDir(
  args: readonly string[],
  env: Record<string, string | undefined>,
  facts: DataDirFacts,
): string {
  let dir = flagValue(args, '--data') || env.OUTPOST_DATA_DIR || undefined;
  if (!dir) {
    const explicit = flagValue(args, '--config') || env.OUTPOST_CONFIG || undefined;
    const file = explicit ?? (facts.exists(SYSTEM_CONFIG_FILE) ? SYSTEM_CONFIG_FILE : undefined);
    const text = file ? facts.readFile(file) : undefined;
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as { data_dir?: unknown };
        if (typeof parsed.data_dir === 'string' && parsed.data_dir !== '') dir = parsed.data_dir;
      } catch {
        // reported by the agent's own settings loader
      }
    }
  }
  return path.resolve(facts.cwd, dir ?? defaultDataDir(facts.exists(SYSTEM_DATA_DIR)));
}
