import { Command, Option } from 'commander';
import { forgetInitialPassword, hashCost } from '../../auth/first-run.js';
import { checkPassword, hashPassword } from '../../auth/passwords.js';
import type { HubConfig } from '../../config.js';
import { addConfigOptions, configFromOptions, exitOnError, STORE_KEYS } from '../options.js';
import { openCliStore, readPassword } from '../store.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function newPassword(config: HubConfig, username: string): Promise<{ hash: string }> {
  const password = await readPassword(`Password for ${username}: `);
  const problem = checkPassword(password, username, { minLength: config.passwordMinLength });
  if (problem) throw new Error(`password ${problem}`);
  return { hash: await hashPassword(password, hashCost({ config } as never)) };
}

/** `outpost-hub user add|list|passwd`: manage API users directly in the store. */
export function userCommand(): Command {
  const user = new Command('user').description('manage users (add, list, passwd)');

  const add = new Command('add')
    .description('add a user; the password is read from stdin or prompted')
    .argument('<name>', 'username (letters, digits, . _ -)')
    .addOption(
      new Option('--role <role>', 'admin, operator or viewer')
        .choices(['admin', 'operator', 'viewer'])
        .makeOptionMandatory(),
    )
    .option('--email <email>', 'email address');
  addConfigOptions(add, STORE_KEYS).action(async (name: string, opts: Record<string, unknown>) => {
    try {
      if (!USERNAME.test(name))
        throw new Error(`username ${JSON.stringify(name)}: use letters, digits, . _ - (1-64)`);
      const config = configFromOptions(opts);
      const store = await openCliStore(config);
      try {
        if (await store.users.byName(name)) throw new Error(`user ${name} already exists`);
        const { hash } = await newPassword(config, name);
        const row = await store.users.insert(
          {
            username: name,
            role: opts.role as 'admin' | 'operator' | 'viewer',
            email: (opts.email as string) ?? null,
            password_hash: hash,
          },
          Date.now(),
        );
        process.stdout.write(`added user ${row.username} (id ${row.id}, role ${row.role})\n`);
      } finally {
        await store.close();
      }
    } catch (err) {
      exitOnError(err);
    }
  });

  const list = new Command('list').description('list users').option('--json', 'print JSON');
  addConfigOptions(list, STORE_KEYS).action(async (opts: Record<string, unknown>) => {
    try {
      const store = await openCliStore(configFromOptions(opts), { mustExist: true });
      try {
        const users = await store.users.list();
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify(users.map((u) => ({ id: u.id, username: u.username, email: u.email, role: u.role, disabled: u.disabled === 1 })))}\n`,
          );
          return;
        }
        const rows = users.map((u) => [
          String(u.id),
          u.username,
          u.role,
          u.disabled ? 'disabled' : 'active',
          u.email ?? '',
        ]);
        const all = [['ID', 'USERNAME', 'ROLE', 'STATE', 'EMAIL'], ...rows];
        const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
        for (const r of all)
          process.stdout.write(
            `${r
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd()}\n`,
          );
      } finally {
        await store.close();
      }
    } catch (err) {
      exitOnError(err);
    }
  });

  const passwd = new Command('passwd')
    .description("set a user's password (read from stdin or prompted); ends their sessions")
    .argument('<name>', 'username');
  addConfigOptions(passwd, STORE_KEYS).action(async (name: string, opts: Record<string, unknown>) => {
    try {
      const config = configFromOptions(opts);
      const store = await openCliStore(config, { mustExist: true });
      try {
        const row = await store.users.byName(name);
        if (!row) throw new Error(`no user ${name}`);
        const { hash } = await newPassword(config, row.username);
        const now = Date.now();
        await store.unit(async (tx) => {
          await tx.users.setPasswordHash(row.id, hash, now);
          await tx.sessions.revokeUser(row.id, now);
        });
        forgetInitialPassword(config.dataDir, row.username);
        process.stdout.write(`password of ${row.username} changed; their sessions ended\n`);
      } finally {
        await store.close();
      }
    } catch (err) {
      exitOnError(err);
    }
  });

  return user.addCommand(add).addCommand(list).addCommand(passwd);
}
