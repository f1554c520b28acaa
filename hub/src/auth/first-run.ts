import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubContext } from '../context.js';
import { isStoreError } from '../store/errors.js';
import { checkPassword, hashPassword, randomPassword } from './passwords.js';

export const INITIAL_ADMIN_FILE = 'initial-admin-password';

/** The scrypt cost from config. */
export function hashCost(ctx: HubContext) {
  return { log2N: ctx.config.passwordHashCost, r: 8, p: 1 };
}

/**
 * With no users at all, creates `admin`: the password comes from OUTPOST_ADMIN_PASSWORD (config adminPassword),
 * or is random, written to `<data>/initial-admin-password` (0600) and returned so the caller prints it once.
 */
export async function ensureInitialAdmin(
  ctx: HubContext,
): Promise<{ created: false } | { created: true; generated: boolean; password?: string; file?: string }> {
  if ((await ctx.store.users.count()) > 0) return { created: false };
  const given = ctx.config.adminPassword;
  if (given) {
    const problem = checkPassword(given, 'admin', { minLength: ctx.config.passwordMinLength });
    if (problem) throw new Error(`OUTPOST_ADMIN_PASSWORD ${problem}`);
  }
  const password = given ?? randomPassword();
  const hash = await hashPassword(password, hashCost(ctx));
  // Re-check inside the write: two processes starting at once must not both create an admin.
  // On PostgreSQL two hubs may both count none: the second insert then meets the first's unique name.
  const created = await ctx.store
    .unit(async (tx) => {
      if ((await tx.users.count()) > 0) return false;
      await tx.users.insert({ username: 'admin', role: 'admin', password_hash: hash }, ctx.clock());
      return true;
    })
    .catch((err: unknown) => {
      if (isStoreError(err, 'conflict')) return false;
      throw err;
    });
  if (!created) return { created: false };
  ctx.logger.info({ username: 'admin' }, 'created the first admin user');
  if (given) return { created: true, generated: false };
  const file = join(ctx.config.dataDir, INITIAL_ADMIN_FILE);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { created: true, generated: true, password, file };
}

/** Removes `<data>/initial-admin-password` once the first admin has chosen their own password. */
export function forgetInitialPassword(dataDir: string, username: string): void {
  if (username.toLowerCase() === 'admin') rmSync(join(dataDir, INITIAL_ADMIN_FILE), { force: true });
}
