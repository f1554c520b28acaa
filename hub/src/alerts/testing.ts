import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config-load.js';
import { createContext, type HubContext } from '../context.js';
import type { HubStore } from '../store/port.js';

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

/** Inserts a site with `devices` devices (ids returned, all online) and, when given, its agent (online). */
export async function seedSite(
  store: HubStore,
  opts: { name: string; devices: number; agentId?: string; parentOfAll?: boolean; now?: number },
): Promise<{ siteId: number; deviceIds: number[] }> {
  const now = opts.now ?? 1;
  return store.unit(async (tx) => {
    const siteId = (await tx.sites.insert({ name: opts.name }, now)).id;
    const deviceIds: number[] = [];
    for (let i = 0; i < opts.devices; i++) {
      const parent = opts.parentOfAll && i > 0 ? deviceIds[0]! : null;
      const d = await tx.devices.insert(
        {
          name: `${opts.name}-dev${i}`,
          ip_address: `10.0.0.${i + 1}`,
          site_id: siteId,
          parent_id: parent,
          vendor: null,
          mac_address: null,
          device_type: 'other',
          snmp_json: '{}',
          snmp_secret: null,
          poll_interval_s: 60,
          profile: null,
          meta: '{}',
        },
        now,
      );
      await tx.devices.setState({ id: d.id, status: 'online', error: null, ts: now });
      deviceIds.push(d.id);
    }
    if (opts.agentId) {
      await tx.agents.create({
        id: opts.agentId,
        site_id: siteId,
        hostname: null,
        version: null,
        secret_hash: 'x',
        created_at: now,
      });
      await tx.agents.updateStatus(opts.agentId, { status: 'online', last_seen: now });
    }
    return { siteId, deviceIds };
  });
}
