import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DependencyFacts, suppressionFor } from './dependencies.js';

const NOW = 1_000_000;
const facts = (over: Partial<DependencyFacts> = {}): DependencyFacts => ({
  agents: new Map([
    ['a1', { site_id: 1, online: true, since: 0 }],
    ['a2', { site_id: 2, online: false, since: NOW - 5000 }],
    ['a3', { site_id: 3, online: true, since: NOW - 10_000 }],
    // Reconnected just now with an empty backlog: nothing buffered, so no grace.
    ['a4', { site_id: 4, online: true, since: NOW - 10_000, drained: true }],
    ['a5', { site_id: 5, online: true, since: NOW - 10_000, drained: false }],
  ]),
  // 10 <- 11 <- 12 (a chain of uplinks), 20 <-> 21 (a cycle by mistake)
  deviceParent: new Map<number, number | null>([
    [11, 10],
    [12, 11],
    [20, 21],
    [21, 20],
  ]),
  // camera 5 behind device 12, camera 6 behind device 30 (up), camera 7 with no known parent
  cameraParent: new Map<number, number | null>([
    [5, 12],
    [6, 30],
  ]),
  deviceDown: new Set([10]),
  ...over,
});

describe('alert dependencies', () => {
  const table: {
    name: string;
    target: Parameters<typeof suppressionFor>[0];
    over?: Parameters<typeof facts>[0];
    expect: string | null;
  }[] = [
    { name: 'a device at a site whose agent is online', target: { device_id: 1, site_id: 1 }, expect: null },
    {
      name: 'a device at a site whose agent is offline',
      target: { device_id: 1, site_id: 2 },
      expect: 'agent a2 offline',
    },
    {
      name: 'a camera at a site whose agent is offline',
      target: { camera_id: 1, site_id: 2 },
      expect: 'agent a2 offline',
    },
    {
      name: 'a device at a site whose agent reconnected within the grace period',
      target: { device_id: 1, site_id: 3 },
      expect: 'agent a3 reconnected less than 60 s ago',
    },
    {
      name: 'a device at a site whose agent reconnected with an empty backlog',
      target: { device_id: 1, site_id: 4 },
      expect: null,
    },
    {
      name: 'a device at a site whose agent reconnected with data still buffered',
      target: { device_id: 1, site_id: 5 },
      expect: 'agent a5 reconnected less than 60 s ago',
    },
    {
      name: 'the agent alert itself is never suppressed',
      target: { agent_id: 'a2', site_id: 2 },
      expect: null,
    },
    {
      name: 'a device whose parent is down',
      target: { device_id: 11, site_id: 1 },
      expect: 'parent device 10 unreachable',
    },
    {
      name: 'a device whose grandparent is down',
      target: { device_id: 12, site_id: 1 },
      expect: 'parent device 10 unreachable',
    },
    {
      name: 'a device whose parent and grandparent are down names the topmost',
      target: { device_id: 12, site_id: 1 },
      over: { deviceDown: new Set([10, 11]) },
      expect: 'parent device 10 unreachable',
    },
    { name: 'the parent itself is not suppressed', target: { device_id: 10, site_id: 1 }, expect: null },
    { name: 'a parent cycle ends the walk', target: { device_id: 20, site_id: 1 }, expect: null },
    { name: 'a site without known agents', target: { device_id: 1, site_id: 9 }, expect: null },
    {
      name: 'a camera behind a device whose grandparent is down',
      target: { camera_id: 5, site_id: 1 },
      expect: 'parent device 10 unreachable',
    },
    { name: 'a camera whose parent is up', target: { camera_id: 6, site_id: 1 }, expect: null },
    { name: 'a camera with no known parent', target: { camera_id: 7, site_id: 1 }, expect: null },
  ];
  for (const c of table) {
    it(c.name, () => assert.equal(suppressionFor(c.target, facts(c.over), NOW, 60_000), c.expect));
  }
});
