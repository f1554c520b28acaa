import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cameraRecord } from '../store/contract/fixtures.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { prunePass, retentionCutoffs } from './plan.js';

// A busy site for a simulated week (injected clock, one step per hour) on a real SQLite file, pruned every hour
// as the retention service does: the database's size levels off once the retention horizon is reached.

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 2);
const SETTINGS = {
  retentionAuditDays: 1,
  retentionAgentEventsDays: 1,
  retentionJobsDays: 1,
  retentionAlertsDays: 1,
  retentionNotificationsDays: 1,
  retentionLedgerHours: 2,
  retentionApiKeysDays: 1,
};
const PER_HOUR = { audit: 60, events: 120, jobs: 6, jobLogLines: 20, alerts: 4, batches: 360, snapshots: 12 };
const CAMERAS = 4;
const TABLES = [
  'audit_log',
  'agent_events',
  'jobs',
  'job_logs',
  'alerts',
  'notification_outbox',
  'notification_deliveries',
  'agent_batches',
  'camera_snapshots',
] as const;
const SNAPSHOTS_KEPT = 10;

describe('bounded growth over a simulated week', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-week-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the database size level once the retention horizon is reached', {
    timeout: 300_000,
  }, async () => {
    const file = join(dir, 'hub.db');
    const store = openSqliteStore(file);
    try {
      const site = await store.sites.insert({ name: 'busy-shop' }, T0);
      await store.agents.create({
        id: 'agent-busy',
        site_id: site.id,
        hostname: 'busy',
        version: '1.0.0',
        secret_hash: 'ab'.repeat(32),
        created_at: T0,
      });
      const cameras: number[] = [];
      for (let c = 0; c < CAMERAS; c++) {
        const row = await store.cameras.insert(cameraRecord(site.id, `cam-${c}`), T0);
        cameras.push(row.id);
      }
      const channel = await store.channels.save(
        null,
        {
          name: 'ops mail',
          type: 'webhook',
          enabled: true,
          min_severity: 'info',
          daily_summary: false,
          config: { url: 'https://example.test/hook' },
          secret: null,
          routes: [],
        },
        T0,
      );
      const image = new Uint8Array(8 * 1024).fill(7);
      let seq = 0;
      let jobN = 0;
      let alertN = 0;
      const sizes: {
        day: number;
        inUseKiB: number;
        fileKiB: number;
        rows: Record<(typeof TABLES)[number], number>;
      }[] = [];
      const count = (table: string) =>
        (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

      for (let hour = 0; hour < 7 * 24; hour++) {
        const base = T0 + hour * HOUR;
        const at = (i: number, n: number) => base + Math.floor((i * HOUR) / n);
        await store.unit(async (tx) => {
          for (let i = 0; i < PER_HOUR.audit; i++)
            await tx.audit.record({
              ts: at(i, PER_HOUR.audit),
              user_id: null,
              username: 'ops-bot',
              action: 'PUT /api/v1/devices/{id}',
              target_type: 'device',
              target_id: String(i),
              client_ip: '198.51.100.7',
              outcome: 'success',
              status: 200,
              details: { fields: ['name', 'poll_interval_s'] },
            });
          for (let i = 0; i < PER_HOUR.events; i++)
            await tx.agentEvents.insert({
              agent_id: 'agent-busy',
              site_id: site.id,
              ts: at(i, PER_HOUR.events),
              type: 'poll_error',
              device_id: null,
              camera_id: null,
              data: { target: `192.0.2.${i % 200}`, error: 'request timed out after 2000 ms', retries: 1 },
              received_at: at(i, PER_HOUR.events),
            });
          for (let j = 0; j < PER_HOUR.jobs; j++) {
            const id = `job-${++jobN}`;
            const t = at(j, PER_HOUR.jobs);
            await tx.jobs.insert({
              id,
              type: 'poll_now',
              args: { device_id: j },
              target_kind: 'device',
              target_id: j,
              site_id: site.id,
              agent_id: 'agent-busy',
              timeout_s: 60,
              queue_timeout_s: 60,
              created_by: null,
              now: t,
            });
            await tx.jobs.addLogs(
              id,
              Array.from({ length: PER_HOUR.jobLogLines }, (_, k) => ({
                ts: t + k,
                level: 'info',
                line: `step ${k}: walked ifTable, 48 rows`,
              })),
            );
            await tx.jobs.update(id, { state: 'succeeded', finished_at: t + 5000, updated_at: t + 5000 });
          }
          for (let a = 0; a < PER_HOUR.alerts; a++) {
            const t = at(a, PER_HOUR.alerts);
            const alert = await tx.alerts.insert({
              rule: 'device-unreachable',
              rule_id: null,
              target: { key: `device:${++alertN}`, site_id: site.id },
              severity: 'high',
              title: `core-switch-${alertN} unreachable`,
              message: 'no SNMP answer for 3 polls',
              ts: t,
              opened_at: t,
              suppressed_by: null,
              maintenance_id: null,
              transitions: [t],
              flapping: false,
            } as never);
            const out = await tx.notifications.enqueue(
              channel,
              alert.id,
              'problem',
              { title: alert.title },
              t,
            );
            await tx.notifications.recordAttempt(
              out,
              { ts: t + 100, ok: true, statusCode: 200, durationMs: 40 },
              { status: 'delivered' },
            );
            await tx.alerts.resolve(alert.id, t + 600_000, [t, t + 600_000], false, true);
          }
        });
        // The delivery ledger as ingest writes it: one batch every 10 s, acknowledged as it goes.
        for (let i = 0; i < PER_HOUR.batches; i++) {
          seq++;
          await store.ledger.record('agent-busy', {
            seq,
            received_at: at(i, PER_HOUR.batches),
            samples: 400,
            events: 1,
            upTo: seq,
            lost: [],
            filled: [],
          });
        }
        for (let i = 0; i < PER_HOUR.snapshots; i++)
          for (const camera of cameras)
            await store.snapshots.add(
              {
                camera_id: camera,
                ts: at(i, PER_HOUR.snapshots),
                received_at: at(i, PER_HOUR.snapshots),
                agent_id: 'agent-busy',
                job_id: null,
                width: 640,
                height: 360,
                image,
              },
              SNAPSHOTS_KEPT,
            );
        // The retention service's pass at the end of the hour, in small batches.
        await prunePass(store.retention, retentionCutoffs(SETTINGS, base + HOUR), { batchRows: 200 });

        if ((hour + 1) % 24 === 0) {
          store.db.pragma('wal_checkpoint(TRUNCATE)');
          const pageSize = store.db.pragma('page_size', { simple: true }) as number;
          const pages = store.db.pragma('page_count', { simple: true }) as number;
          const free = store.db.pragma('freelist_count', { simple: true }) as number;
          sizes.push({
            day: (hour + 1) / 24,
            inUseKiB: Math.round(((pages - free) * pageSize) / 1024),
            fileKiB: Math.round(statSync(file).size / 1024),
            rows: Object.fromEntries(TABLES.map((t) => [t, count(t)])) as Record<
              (typeof TABLES)[number],
              number
            >,
          });
        }
      }

      console.log('day  in use (KiB)  file (KiB)  rows');
      for (const s of sizes)
        console.log(
          `${String(s.day).padStart(3)}  ${String(s.inUseKiB).padStart(12)}  ${String(s.fileKiB).padStart(10)}  ${JSON.stringify(s.rows)}`,
        );
      const day = (d: number) => sizes[d - 1]!;
      // Past the horizon (one day, two hours for the ledger), every day holds the same amount: level, not growing.
      assert.ok(
        day(7).inUseKiB <= day(3).inUseKiB * 1.1,
        `in use grew: ${day(3).inUseKiB} -> ${day(7).inUseKiB} KiB`,
      );
      assert.ok(
        day(7).fileKiB <= day(3).fileKiB * 1.15,
        `file grew: ${day(3).fileKiB} -> ${day(7).fileKiB} KiB`,
      );
      // And the rows kept are about one retention period's worth, not a week's.
      const r = day(7).rows;
      assert.ok(r.audit_log <= 25 * PER_HOUR.audit, `audit_log ${r.audit_log}`);
      assert.ok(r.agent_events <= 25 * PER_HOUR.events, `agent_events ${r.agent_events}`);
      assert.ok(r.jobs <= 25 * PER_HOUR.jobs && r.job_logs <= 25 * PER_HOUR.jobs * PER_HOUR.jobLogLines);
      assert.ok(r.alerts <= 25 * PER_HOUR.alerts && r.notification_deliveries <= 25 * PER_HOUR.alerts);
      assert.ok(r.agent_batches <= 3 * PER_HOUR.batches, `agent_batches ${r.agent_batches}`);
      assert.equal(r.camera_snapshots, CAMERAS * SNAPSHOTS_KEPT);
      // Without pruning a week would hold seven times as much: the in-use size shows it was pruned.
      assert.ok(day(7).inUseKiB < day(1).inUseKiB * 2, 'a week holds about what a day holds');
    } finally {
      await store.close();
    }
  });
});
