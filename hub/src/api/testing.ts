import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { hashPassword } from '../auth/passwords.js';
import { parseConfig } from '../config-load.js';
import { createContext, type HubContext } from '../context.js';
import { createApp, tokenService } from './app.js';
import type { ApiApp, Role } from './types.js';

export const TEST_PASSWORDS: Record<Role, string> = {
  admin: 'Adm1n-correct-horse-42',
  operator: 'Op3rator-staple-battery',
  viewer: 'V1ewer-blue-lantern-77',
};

export interface TestHub {
  ctx: HubContext;
  app: ApiApp;
  dir: string;
  /** Every log line written so far. */
  logs: string[];
  tokens: Record<Role, string>;
  ids: Record<Role, number>;
  /** Sends a request; `body` objects are sent as JSON. */
  req(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Sets the injected clock (ms). */
  setTime(ms: number): void;
  close(): Promise<void>;
}

/** A hub on a temp data dir with one user per role, fast password hashing and captured logs. */
export async function createTestHub(config: Record<string, unknown> = {}): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-api-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  let now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const cfg = parseConfig(
    { flags: { dataDir: dir, passwordHashCost: 10, logLevel: 'debug', ...config } },
    {},
  );
  const ctx = await createContext(cfg, { logDestination: sink, processMetrics: false, clock: () => now });
  const app = createApp(ctx);
  const tokens = {} as Record<Role, string>;
  const ids = {} as Record<Role, number>;
  const svc = tokenService(ctx);
  for (const role of ['admin', 'operator', 'viewer'] as Role[]) {
    const hash = await hashPassword(TEST_PASSWORDS[role], { log2N: 10, r: 8, p: 1 });
    const u = await ctx.store.users.insert(
      { username: role, role, password_hash: hash, email: `${role}@example.test` },
      now - 1000,
    );
    ids[role] = u.id;
    tokens[role] = await svc.signAccess(u);
  }
  return {
    ctx,
    app,
    dir,
    logs,
    tokens,
    ids,
    req(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
    setTime(ms) {
      now = ms;
    },
    async close() {
      await ctx.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
