import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentEvent } from '@outpost/protocol';
import type { AlertInput } from '../types.js';
import { checkDown } from './check-down.js';
import type { AnyRuleKind } from './index.js';
import { interfaceDown } from './interface-down.js';
import { snmpTrap } from './snmp-trap.js';
import { at, runRule, sample, T0, tick } from './testing.js';
import { tlsCertExpiry } from './tls-cert-expiry.js';
import { unnamedLink } from './trap-fields.js';
import { trapOid } from './trap-oid.js';
import { upsBattery } from './ups-battery.js';
import { upsOnBattery } from './ups-on-battery.js';

const event = (s: number, e: Record<string, unknown>): AlertInput => ({
  kind: 'agent.event',
  agent_id: 'a1',
  site_id: 1,
  event: { ts: T0 + s * 1000, ...e } as never,
});
const trap = (s: number, trap_oid: string, varbinds: [string, string][] = [], device_id: number | null = 7) =>
  event(s, {
    type: 'snmp_trap',
    source: '192.0.2.10',
    version: '2c',
    pdu: 'trap',
    trap_oid,
    ...(device_id !== null ? { device_id } : {}),
    varbinds: varbinds.map(([oid, value]) => ({ oid, type: 'INTEGER', value })),
  });
const check = (s: number, status: 'up' | 'down', previous: string, error?: string): AlertInput => ({
  kind: 'check.status',
  check_id: 5,
  device_id: 9,
  site_id: 1,
  name: 'NVR web page',
  check_kind: 'http',
  status,
  previous,
  ts: T0 + s * 1000,
  ...(error ? { error } : {}),
});
const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
const LINK_UP = '1.3.6.1.6.3.1.1.5.4';
const ifVbs = (i: number, admin: number, oper: number): [string, string][] => [
  [`1.3.6.1.2.1.2.2.1.1.${i}`, String(i)],
  [`1.3.6.1.2.1.2.2.1.7.${i}`, String(admin)],
  [`1.3.6.1.2.1.2.2.1.8.${i}`, String(oper)],
];
const oper = (s: number, ifIndex: string, value: number) =>
  sample(s, 'if_oper_status', value, {
    device_id: 7,
    labels: { if_index: ifIndex, if_name: `Gi0/${ifIndex}` },
  });

const cases: {
  name: string;
  kind: AnyRuleKind;
  params?: Record<string, unknown>;
  inputs: AlertInput[];
  trace: string[];
}[] = [
  {
    name: 'interface-down: a linkDown trap opens the alert before the poll, the next good poll resolves it',
    kind: interfaceDown,
    inputs: [trap(0, LINK_DOWN, ifVbs(12, 1, 2)), oper(30, '12', 2), oper(90, '12', 1)],
    trace: [`fire device:7:if:12@${at(0)}`, `clear device:7:if:12@${at(90)}`],
  },
  {
    name: 'interface-down: a linkUp trap resolves it; a linkDown of a port shut on purpose opens nothing',
    kind: interfaceDown,
    inputs: [
      trap(0, LINK_DOWN, ifVbs(3, 1, 2)),
      trap(5, LINK_UP, ifVbs(3, 1, 1)),
      trap(9, LINK_DOWN, ifVbs(4, 2, 2)),
    ],
    trace: [`fire device:7:if:3@${at(0)}`, `clear device:7:if:3@${at(5)}`],
  },
  {
    name: 'snmp-trap: coldStart opens a one-shot alert that the next poll resolves quietly; repeats open nothing',
    kind: snmpTrap,
    inputs: [
      trap(0, '1.3.6.1.6.3.1.1.5.1'),
      trap(2, '1.3.6.1.6.3.1.1.5.1'),
      sample(1, 'sys_uptime', 5, { device_id: 7 }),
      sample(60, 'sys_uptime', 65, { device_id: 7 }),
    ],
    trace: [`fire device:7:trap:start@${at(0)}`, `clear device:7:trap:start@${at(60)} quiet`],
  },
  {
    name: 'snmp-trap: authenticationFailure resolves by itself when the device is not polled',
    kind: snmpTrap,
    params: { resolve_after_s: 600 },
    inputs: [trap(0, '1.3.6.1.6.3.1.1.5.5'), tick(300), tick(600), trap(700, '1.3.6.1.4.1.9.0.1')],
    trace: [`fire device:7:trap:auth@${at(0)}`, `clear device:7:trap:auth@${at(600)} quiet`],
  },
  {
    name: 'ups-on-battery: the APC trap opens it, power restored closes it; the poll confirms without a second alert',
    kind: upsOnBattery,
    inputs: [
      trap(0, '1.3.6.1.4.1.318.0.5'),
      sample(20, 'ups_on_battery', 1, { device_id: 7 }),
      trap(40, '1.3.6.1.4.1.318.0.9'),
      sample(80, 'ups_on_battery', 0, { device_id: 7 }),
    ],
    trace: [`fire device:7@${at(0)}`, `clear device:7@${at(40)}`],
  },
  {
    name: 'ups-on-battery: RFC 1628 trap, then the next poll on mains resolves it; an unrelated alarm removal does not',
    kind: upsOnBattery,
    inputs: [
      trap(0, '1.3.6.1.2.1.33.2.0.1'),
      trap(10, '1.3.6.1.2.1.33.2.0.4', [['1.3.6.1.2.1.33.1.6.2.1.2.1', '1.3.6.1.2.1.33.1.6.3.8']]),
      sample(60, 'ups_on_battery', 0, { device_id: 7 }),
    ],
    trace: [`fire device:7@${at(0)}`, `clear device:7@${at(60)}`],
  },
  {
    name: 'ups-battery: low runtime and replace-battery are separate alerts',
    kind: upsBattery,
    params: { min_runtime_s: 600 },
    inputs: [
      sample(0, 'ups_runtime_s', 540, { device_id: 7 }),
      sample(0, 'ups_battery_replace', 1, { device_id: 7 }),
      sample(60, 'ups_runtime_s', 1800, { device_id: 7 }),
    ],
    trace: [
      `fire device:7:runtime@${at(0)}`,
      `fire device:7:replace@${at(0)}`,
      `clear device:7:runtime@${at(60)}`,
    ],
  },
  {
    name: 'tls-cert-expiry: a certificate with 5 days left opens the alert (14 by default); a renewed one resolves it',
    kind: tlsCertExpiry,
    inputs: [
      sample(0, 'tls_cert_days_left', 30, { device_id: 9, labels: { check_id: '5', check: 'NVR' } }),
      sample(60, 'tls_cert_days_left', 4.98, { device_id: 9, labels: { check_id: '5', check: 'NVR' } }),
      sample(120, 'tls_cert_days_left', 364, { device_id: 9, labels: { check_id: '5', check: 'NVR' } }),
    ],
    trace: [`fire device:9:check:5@${at(60)}`, `clear device:9:check:5@${at(120)}`],
  },
  {
    name: 'check-down: fires on a down check, clears when it is up again',
    kind: checkDown,
    inputs: [
      check(0, 'up', 'unknown'),
      check(60, 'down', 'up', 'status 503 not in 200-399'),
      check(180, 'up', 'down'),
    ],
    trace: [`fire device:9:check:5@${at(60)}`, `clear device:9:check:5@${at(180)}`],
  },
  {
    name: 'check-down: with for_s, a check down once fires when the time is up, without another report',
    kind: checkDown,
    params: { for_s: 120 },
    inputs: [check(0, 'down', 'unknown', 'no reply to 3 echo requests'), tick(60), tick(121)],
    trace: [`fire device:9:check:5@${at(121)}`],
  },
  {
    name: 'trap-oid: a vendor trap opens an alert per device, its clear trap resolves it',
    kind: trapOid,
    params: { trap_oid: '1.3.6.1.4.1.9.9.13.3.0.4', clear_trap_oid: '1.3.6.1.4.1.9.9.13.3.0.99' },
    inputs: [
      trap(0, '1.3.6.1.4.1.9.9.13.3.0.4'),
      trap(1, '1.3.6.1.4.1.9.9.13.3.0.4', [], 8),
      trap(5, '1.3.6.1.4.1.9.9.13.3.0.99'),
      trap(6, '1.3.6.1.4.1.9.9.13.3.0.4', [], null),
    ],
    trace: [
      `fire device:7@${at(0)}`,
      `fire device:8@${at(1)}`,
      `clear device:7@${at(5)}`,
      `fire source:1:192.0.2.10@${at(6)}`,
    ],
  },
  {
    name: 'trap-oid: scoped to one device, resolved by time without a clear trap',
    kind: trapOid,
    params: { trap_oid: '1.3.6.1.4.1.9.9.13.3.0.4', scope: { type: 'device', id: 8 }, resolve_after_s: 300 },
    inputs: [
      trap(0, '1.3.6.1.4.1.9.9.13.3.0.4'),
      trap(1, '1.3.6.1.4.1.9.9.13.3.0.4', [], 8),
      tick(200),
      tick(301),
    ],
    trace: [`fire device:8@${at(1)}`, `clear device:8@${at(301)} quiet`],
  },
];

describe('check, certificate, UPS and trap rule kinds', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(runRule(c.kind, c.params ?? {}, c.inputs).trace, c.trace));
  }

  it('names the field of a bad trap-oid rule', () => {
    const r = trapOid.params.safeParse({ trap_oid: 'linkDown' });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0]?.path, ['trap_oid']);
  });
});

describe('check-down titles', () => {
  it('names the check, its kind and its device, with the reason as the message', () => {
    const { actions } = runRule(checkDown, {}, [
      check(0, 'down', 'up', 'connect ECONNREFUSED 192.0.2.7:443'),
    ]);
    assert.deepEqual(
      actions.map((a) => (a.type === 'fire' ? [a.title, a.message] : [])),
      [['Check NVR web page (http) down on {{device:9}}', 'connect ECONNREFUSED 192.0.2.7:443']],
    );
  });
});

describe('interface-down titles from traps', () => {
  const title = (inputs: AlertInput[]) =>
    runRule(interfaceDown, {}, inputs).actions.flatMap((a) => (a.type === 'fire' ? [a.title] : []));
  const withVb = (vbs: [string, string][]) => trap(0, LINK_DOWN, [...ifVbs(12, 1, 2), ...vbs]);

  it("names the port from the trap's ifName, else its ifDescr", () => {
    assert.deepEqual(title([withVb([['1.3.6.1.2.1.31.1.1.1.1.12', '"Gi1/0/12"']])]), [
      'Interface Gi1/0/12 down on {{device:7}}',
    ]);
    assert.deepEqual(title([withVb([['1.3.6.1.2.1.2.2.1.2.12', 'GigabitEthernet1/0/12']])]), [
      'Interface GigabitEthernet1/0/12 down on {{device:7}}',
    ]);
  });

  it('names a port the trap does not name from its polls, else from the hub interface table, else by ifIndex', () => {
    assert.deepEqual(title([oper(0, '12', 1), trap(5, LINK_DOWN, ifVbs(12, 1, 2))]), [
      'Interface Gi0/12 down on {{device:7}}',
    ]);
    const known = trap(0, LINK_DOWN, ifVbs(12, 1, 2));
    (known as { event: Record<string, unknown> }).event.if_name = 'Fa0/12';
    assert.deepEqual(title([known]), ['Interface Fa0/12 down on {{device:7}}']);
    assert.deepEqual(title([trap(0, LINK_DOWN, ifVbs(12, 1, 2))]), [
      'Interface ifIndex 12 down on {{device:7}}',
    ]);
  });

  it('asks the hub for a name only for a link trap that carries none', () => {
    assert.deepEqual(unnamedLink((trap(0, LINK_DOWN, ifVbs(3, 1, 2)) as { event: AgentEvent }).event), {
      device_id: 7,
      ifIndex: '3',
    });
    const named = trap(0, LINK_DOWN, [...ifVbs(3, 1, 2), ['1.3.6.1.2.1.31.1.1.1.1.3', 'Gi0/3']]);
    assert.equal(unnamedLink((named as { event: AgentEvent }).event), undefined);
    assert.equal(unnamedLink((trap(0, '1.3.6.1.6.3.1.1.5.1') as { event: AgentEvent }).event), undefined);
    assert.equal(
      unnamedLink((trap(0, LINK_DOWN, ifVbs(3, 1, 2), null) as { event: AgentEvent }).event),
      undefined,
    );
  });
});
