import { spawnSync } from 'node:child_process';

/** True when tests run in CI, where a missing peer is a failure, never a skip. */
export const IN_CI = process.env.CI === 'true';

/** Whether `command` is on the PATH (or is an existing absolute path). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0;
}

/**
 * The `skip` option for a test that needs real peers: false when every command is present; otherwise a
 * printed reason, except in CI where it throws so that the suite fails instead of skipping.
 */
export function needPeers(...commands: string[]): false | string {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length === 0) return false;
  const reason = `needs ${missing.join(', ')} (install with .ci/run)`;
  if (IN_CI) throw new Error(`CI=true and a real peer is missing: ${reason}`);
  console.log(`# skipped: ${reason}`);
  return reason;
}
