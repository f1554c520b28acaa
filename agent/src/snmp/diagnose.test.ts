import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainTimeout, type TimeoutFacts } from './diagnose.js';

describe('explainTimeout', () => {
  const cases: { name: string; facts: TimeoutFacts; status: string; error: RegExp }[] = [
    {
      name: 'v2c, an SNMP engine answers discovery: the community is wrong',
      facts: { version: '2c', engineAnswers: true },
      status: 'auth_failed',
      error: /^no answer with this community: an SNMP agent answers at this address/,
    },
    {
      name: 'v1, an SNMP engine answers discovery: the community is wrong',
      facts: { version: '1', engineAnswers: true },
      status: 'auth_failed',
      error: /community is wrong or not allowed/,
    },
    {
      name: 'v2c, nothing answers at all',
      facts: { version: '2c', engineAnswers: false },
      status: 'unreachable',
      error: /^get system: timeout: no SNMP answer at this address, not even to SNMPv3 engine discovery/,
    },
    {
      name: 'v2c, not probed',
      facts: { version: '2c' },
      status: 'unreachable',
      error: /^get system: timeout$/,
    },
    {
      name: 'v3, the engine answers discovery but not the request: the privacy key',
      facts: { version: '3', engineAnswers: true },
      status: 'auth_failed',
      error: /privacy key or protocol is probably wrong/,
    },
    {
      name: 'v3, nothing answers',
      facts: { version: '3', engineAnswers: false },
      status: 'unreachable',
      error: /not even to SNMPv3 engine discovery/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = explainTimeout(c.facts, 'get system: timeout');
      assert.equal(r.status, c.status);
      assert.match(r.error, c.error);
    });
  }
});
