import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMessage, DeviceConfig } from '@outpost/protocol';
import { silentLogger } from '../../logger.js';
import type { PollContext } from '../../snmp/poller.js';
import type { Poller } from '../types.js';
import { deviceTargets } from './device.js';

const dev = (id: number, community: string): DeviceConfig => ({
  id,
  name: `d${id}`,
  ip_address: `10.0.0.${id}`,
  port: 161,
  snmp: { version: '2c', community },
  poll_interval_s: 60,
  timeout_ms: 1000,
  retries: 0,
  profiles: [],
});
const config = (devices: DeviceConfig[], setCommunity: string) =>
  ({
    devices,
    custom_oids: [],
    credential_sets: [
      {
        id: 1,
        name: 'site',
        snmp: [{ id: 1, snmp: { version: '2c', community: setCommunity } }],
        camera: [],
      },
    ],
  }) as unknown as ConfigMessage;

describe('device targets', () => {
  it("hand the poller the applied config's communities, kept out of each device's target", async () => {
    const contexts: (PollContext | undefined)[] = [];
    const poller = {
      poll: async (_d: DeviceConfig, context?: PollContext) => {
        contexts.push(context);
        return { samples: [], events: [] };
      },
    } as unknown as Poller;
    const kind = deviceTargets({
      poller,
      prober: null,
      checks: null,
      publishSnapshot: async () => {},
      now: () => 0,
      log: silentLogger,
    });
    const first = kind.targets(config([dev(1, 'a'), dev(2, 'b')], 'c'));
    await kind.run(first[0]!);
    const communities = () =>
      contexts
        .at(-1)
        ?.siteCredentials?.()
        .map((c) => (c.version === '3' ? '' : c.community));
    assert.deepEqual(communities(), ['a', 'b', 'c']);
    const next = kind.targets(config([dev(1, 'a'), dev(2, 'b2')], 'c2'));
    assert.deepEqual(
      next[0],
      first[0],
      "another device's community leaves this target (and its counters) alone",
    );
    await kind.run(next[0]!);
    assert.deepEqual(communities(), ['a', 'b2', 'c2']);
  });
});
