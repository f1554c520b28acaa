import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStatus, type StatusReport } from './status.js';

const NOW = Date.UTC(2026, 10, 22, 8);
const report = (batch_encoding: StatusReport['batch_encoding']): StatusReport => ({
  agent_id: 'agent-1',
  site_id: 12,
  hub_url: 'https://hub.example.net/',
  mqtt_urls: ['mqtts://hub.example.net:8883'],
  enrolled_at: NOW - 86_400_000,
  service: { running: true, pid: 812, started_at: NOW - 180_000, updated_at: NOW - 2_000 },
  link: { state: 'online', since: NOW - 180_000 } as StatusReport['link'],
  batch_encoding,
  config_version: 7,
  devices: [],
  cameras: [],
  checks: [],
  outbox: null,
  traps: null,
});

describe('status', () => {
  const cases: [StatusReport['batch_encoding'], RegExp][] = [
    ['compact', /^Hub link {2}online since 3 min ago, batches compact$/m],
    ['json', /^Hub link {2}online since 3 min ago, batches json$/m],
    [null, /^Hub link {2}online since 3 min ago$/m],
  ];
  for (const [encoding, line] of cases) {
    it(`shows the batch encoding on the hub link line (${encoding})`, () => {
      assert.match(formatStatus(report(encoding), NOW), line);
    });
  }
});
