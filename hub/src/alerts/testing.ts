import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config.js';
import { createContext, type HubContext } from '../context.js';
import type { Db } from '../store/db.js';

/** Test helper: a hub context on an in-memory database with a settable clock. */
export async function testContext(start = Date.UTC(2026, 10, 22, 12, 0, 0)): Promise<{
  ctx: HubContext;
  clock: { now: number };
  cleanup: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-alerts-'));
  const clock = { now: start };
  const config = parseConfig(
    { file: { dataDir: dir, logLevel: 'silent', databaseUrl: 'sqlite::memory:' } },
    {},
  );
  const ctx = await createContext(config, { processMetrics: false, clock: () => clock.now });
  return {
    ctx,
    clock,
    cleanup: async () => {
      await ctx.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Inserts a site with `devices` devices (ids returned) and, when given, its agent. */
export function seedSite(
  db: Db,
  opts: { name: string; devices: number; agentId?: string; parentOfAll?: boolean; now?: number },
): { siteId: number; deviceIds: number[] } {
  const now = opts.now ?? 1;
  const siteId = Number(
    db.prepare('INSERT INTO sites (name, created_at, updated_at) VALUES (?, ?, ?)').run(opts.name, now, now)
      .lastInsertRowid,
  );
  const insert = db.prepare(
    `INSERT INTO devices (name, ip_address, site_id, parent_id, snmp_json, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, '{}', 'online', ?, ?)`,
  );
  const deviceIds: number[] = [];
  for (let i = 0; i < opts.devices; i++) {
    const parent = opts.parentOfAll && i > 0 ? deviceIds[0]! : null;
    deviceIds.push(
      Number(insert.run(`${opts.name}-dev${i}`, `10.0.0.${i + 1}`, siteId, parent, now, now).lastInsertRowid),
    );
  }
  if (opts.agentId) {
    db.prepare(
      `INSERT INTO agents (id, site_id, secret_hash, status, created_at) VALUES (?, ?, 'x', 'online', ?)`,
    ).run(opts.agentId, siteId, now);
  }
  return { siteId, deviceIds };
}
