import { Command, Option } from 'commander';
import { forgetInitialPassword, hashCost } from '../../auth/first-run.js';
import { checkPassword, hashPassword } from '../../auth/passwords.js';
import type { HubConfig } from '../../config.js';
import type { HubStore } from '../../store/port.js';
import type { SiteScope } from '../../store/tenancy.js';
import { addConfigOptions, configFromOptions, exitOnError, STORE_KEYS } from '../options.js';
import { openCliStore, readPassword } from '../store.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function newPassword(config: HubConfig, username: string): Promise<{ hash: string }> {
  const password = await readPassword(`Password for ${username}: `);
  const problem = checkPassword(password, username, { minLength: config.passwordMinLength });
  if (problem) throw new Error(`password ${problem}`);
  return { hash: await hashPassword(password, hashCost({ config } as never)) };
}

/** Finds each comma-separated name or id with `find`, or says which one does not exist. */
async function resolveAll(
  list: string,
  what: string,
  find: (nameOrId: string) => Promise<{ id: number } | undefined>,
): Promise<number[]> {
  const ids: number[] = [];
  for (const item of list
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const row = await find(item);
    if (!row) throw new Error(`${what} ${JSON.stringify(item)} does not exist`);
    ids.push(row.id);
  }
  return ids;
}

/** The scope of `--sites` and `--group`, or null when neither is given. */
async function scopeFromOptions(
  store: Pick<HubStore, 'sites' | 'siteGroups'>,
  sites: string | undefined,
  groups: string | undefined,
): Promise<SiteScope | null> {
  if (sites === undefined && groups === undefined) return null;
  const byNameOrId =
    <T>(get: (id: number) => Promise<T>, byName: (n: string) => Promise<T>) =>
    (x: string) =>
      /^\d+$/.test(x) ? get(Number(x)) : byName(x);
  return {
    sites: await resolveAll(
      sites ?? '',
      '--sites: site',
      byNameOrId(
        (id) => store.sites.get(id),
        (n) => store.sites.byName(n),
      ),
    ),
    groups: await resolveAll(
      groups ?? '',
      '--group: site group',
      byNameOrId(
        (id) => store.siteGroups.get(id),
        (n) => store.siteGroups.byName(n),
      ),
    ),
  };
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
    .option('--email <email>', 'email address')
    .option('--sites <sites>', 'limit the user to these sites (comma-separated names or ids); not for admins')
    .option('--group <groups>', 'limit the user to these site groups (comma-separated names or ids)');
  addConfigOptions(add, STORE_KEYS).action(async (name: string, opts: Record<string, unknown>) => {
    try {
      if (!USERNAME.test(name))
        throw new Error(`username ${JSON.stringify(name)}: use letters, digits, . _ - (1-64)`);
      const config = configFromOptions(opts);
      const store = await openCliStore(config);
      try {
        if (await store.users.byName(name)) throw new Error(`user ${name} already exists`);
        const scope = await scopeFromOptions(
          store,
          opts.sites as string | undefined,
          opts.group as string | undefined,
        );
        if (scope && opts.role === 'admin')
          throw new Error(
            '--sites/--group: an admin cannot be limited to sites (use --role operator or viewer)',
          );
        const { hash } = await newPassword(config, name);
        const row = await store.unit(async (tx) => {
          const u = await tx.users.insert(
            {
              username: name,
              role: opts.role as 'admin' | 'operator' | 'viewer',
              email: (opts.email as string) ?? null,
              password_hash: hash,
            },
            Date.now(),
          );
          if (scope) await tx.scopes.set({ user_id: u.id }, scope);
          return u;
        });
        const limited = scope
          ? `, limited to ${scope.sites.length} sites and ${scope.groups.length} groups`
          : '';
        process.stdout.write(`added user ${row.username} (id ${row.id}, role ${row.role}${limited})\n`);
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
