import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { DestinationStream } from 'pino';
import { tokenService } from '../../hub/src/api/app.js';
import { parseConfig } from '../../hub/src/config-load.js';
import { type BrokerPorts, createEnrollmentToken } from '../../hub/src/link/enrollment.js';
import type { LinkParts } from '../../hub/src/link/parts.js';
import { type RunningHub, startHub } from '../../hub/src/server.js';

/** An in-process hub on free ports with a temp data dir, an admin token and helpers for link tests. */
export interface TestHub {
  hub: RunningHub;
  /** The hub's link units, and where its broker listens. */
  link: LinkParts & { endpoints: BrokerPorts };
  dir: string;
  adminToken: string;
  mqttUrl: string;
  wsUrl: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, asserted field by field
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  site(name: string): Promise<number>;
  device(siteId: number, name?: string, ip?: string): Promise<number>;
  camera(siteId: number, name?: string): Promise<number>;
  token(siteId: number, ttlMs?: number): Promise<string>;
  /** A stream token (events, snapshot:<id>, live:<id>) for a URL's ?access_token=. */
  streamToken(scope: string): Promise<string>;
  enroll(
    siteId: number,
  ): Promise<{ agent_id: string; secret: string; site_id: number; mqtt: { urls: string[] } }>;
  close(): Promise<void>;
}

export async function startTestHub(
  extra: Record<string, unknown> = {},
  opts: { logDestination?: DestinationStream } = {},
): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-link-'));
  const config = parseConfig(
    {
      flags: {
        dataDir: dir,
        httpPort: 0,
        mqttPort: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
        adminPassword: 'correct-horse-battery-staple-9',
        ...extra,
      },
    },
    {},
  );
  const hub = await startHub(config, { processMetrics: false, ...opts });
  const link = { ...hub.parts.link, endpoints: hub.parts.link.ports.current ?? {} };
  const admin = (await hub.ctx.store.users.list()).find((u) => u.role === 'admin');
  if (!admin) throw new Error('the test hub has no admin');
  const adminToken = await tokenService(hub.ctx).signAccess(admin);
  const now = () => hub.ctx.clock();
  const t: TestHub = {
    hub,
    link,
    dir,
    adminToken,
    mqttUrl: `mqtt://127.0.0.1:${link.endpoints.mqttPort}`,
    wsUrl: `${hub.url.replace('http', 'ws')}/mqtt`,
    async api(method, path, body, token = adminToken) {
      const res = await fetch(`${hub.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async site(name) {
      return (await hub.ctx.store.sites.insert({ name }, now())).id;
    },
    async device(siteId, name = 'sw', ip = '192.0.2.10') {
      const secret = hub.ctx.secrets.encrypt(JSON.stringify({ community: 'test-community' }));
      const row = await hub.ctx.store.devices.insert(
        {
          name,
          ip_address: ip,
          site_id: siteId,
          parent_id: null,
          vendor: null,
          mac_address: null,
          device_type: 'other',
          snmp_json: JSON.stringify({ version: '2c', port: 161, has_community: true }),
          snmp_secret: secret,
          poll_interval_s: 60,
          profile: null,
          meta: '{}',
        },
        now(),
      );
      return row.id;
    },
    async camera(siteId, name = 'cam') {
      const row = await hub.ctx.store.cameras.insert(
        {
          name,
          ip_address: '192.0.2.20',
          rtsp_url: 'rtsp://192.0.2.20:554/s',
          username: 'viewer',
          password_secret: hub.ctx.secrets.encrypt('cam-pass'),
          location: null,
          site_id: siteId,
          meta: '{}',
        },
        now(),
      );
      return row.id;
    },
    async token(siteId, ttlMs = 3_600_000) {
      return (
        await createEnrollmentToken(hub.ctx.store, {
          site_id: siteId,
          ttl_ms: ttlMs,
          created_by: null,
          now: now(),
        })
      ).token;
    },
    async streamToken(scope) {
      const r = await t.api('POST', '/api/v1/auth/stream-tokens', { scope });
      if (r.status !== 201) throw new Error(`stream token failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token;
    },
    async enroll(siteId) {
      const r = await t.api('POST', '/api/v1/agents/enroll', {
        token: await t.token(siteId),
        hostname: 'test-pi',
        version: '0.1.0',
      });
      if (r.status !== 201) throw new Error(`enroll failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Connects an mqtt.js client as an agent; resolves on CONNACK, rejects with the refusal. */
export function connectAgent(
  url: string,
  agentId: string,
  secret: string,
  opts: IClientOptions = {},
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: agentId,
      username: agentId,
      password: secret,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: 4,
      ...opts,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

export { until } from './wait.js';
