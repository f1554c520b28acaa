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
      name: 'v2c, the engine answers: that is enough, whatever else was seen',
      facts: { version: '2c', engineAnswers: true, otherCommunityAnswers: false, pingReplies: false },
      status: 'auth_failed',
      error: /SNMPv3 engine discovery/,
    },
    {
      name: 'v2c, no engine, another community of the site answers',
      facts: { version: '2c', engineAnswers: false, otherCommunityAnswers: true, pingReplies: true },
      status: 'auth_failed',
      error:
        /^no answer with this community: the device answers another community of this site, not this one/,
    },
    {
      name: 'v1, engine not probed, another community answers',
      facts: { version: '1', otherCommunityAnswers: true },
      status: 'auth_failed',
      error: /answers another community of this site, not this one/,
    },
    {
      name: 'v2c, no engine, no other community, but ping replies',
      facts: { version: '2c', engineAnswers: false, otherCommunityAnswers: false, pingReplies: true },
      status: 'unreachable',
      error:
        /^get system: timeout: answers ping but not SNMP: wrong community, SNMP disabled or an access list \(no answer to SNMPv3 engine discovery either\)$/,
    },
    {
      name: 'v2c, nothing else to try, ping replies, engine not probed',
      facts: { version: '2c', pingReplies: true },
      status: 'unreachable',
      error:
        /^get system: timeout: answers ping but not SNMP: wrong community, SNMP disabled or an access list$/,
    },
    {
      name: 'v2c, nothing answers, ping included',
      facts: { version: '2c', engineAnswers: false, otherCommunityAnswers: false, pingReplies: false },
      status: 'unreachable',
      error:
        /^get system: timeout: no SNMP answer at this address, not even to SNMPv3 engine discovery, and no reply to ping/,
    },
    {
      name: 'v2c, no ping reply, engine not probed',
      facts: { version: '2c', pingReplies: false },
      status: 'unreachable',
      error: /^get system: timeout: no reply to ping either/,
    },
    {
      name: 'v2c, nothing answers SNMP, the agent cannot ping',
      facts: { version: '2c', engineAnswers: false },
      status: 'unreachable',
      error:
        /^get system: timeout: no SNMP answer at this address, not even to SNMPv3 engine discovery \(host down, SNMP disabled, or UDP filtered\)$/,
    },
    {
      name: 'v2c, not probed at all',
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
      name: 'v3, no engine, but a community of the site answers: SNMPv3 is off',
      facts: { version: '3', engineAnswers: false, otherCommunityAnswers: true },
      status: 'auth_failed',
      error: /answers another community of this site over SNMPv1\/v2c but not SNMPv3/,
    },
    {
      name: 'v3, no engine, ping replies: no community to blame',
      facts: { version: '3', engineAnswers: false, pingReplies: true },
      status: 'unreachable',
      error: /^get system: timeout: answers ping but not SNMP: SNMP disabled or an access list \(/,
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
