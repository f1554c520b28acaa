import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BrokerConnection, brokerConnectHint } from './connect-hint.js';

describe('brokerConnectHint', () => {
  const cases: Array<{ code: number | string | undefined; who: BrokerConnection; has: string }> = [
    { code: 5, who: 'hub', has: 'check brokerUsername/brokerPassword' },
    { code: 135, who: 'admin', has: 'check brokerAdminUsername/brokerAdminPassword' },
    { code: 134, who: 'hub', has: 'check brokerUsername/brokerPassword' },
    { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', who: 'admin', has: 'set brokerCaFile' },
    { code: 'SELF_SIGNED_CERT_IN_CHAIN', who: 'hub', has: 'set brokerCaFile' },
    { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', who: 'hub', has: 'set brokerCaFile' },
    { code: 'ERR_TLS_CERT_ALTNAME_INVALID', who: 'hub', has: 'does not name the host in brokerUrl' },
    { code: 'CERT_HAS_EXPIRED', who: 'admin', has: 'validity period' },
    { code: 'ECONNREFUSED', who: 'admin', has: 'check brokerUrl' },
    { code: 'ENOTFOUND', who: 'admin', has: 'check brokerUrl' },
  ];
  for (const c of cases) {
    it(`names what to check for ${c.code} on the ${c.who} connection`, () => {
      const hint = brokerConnectHint(c.code, c.who);
      assert.match(hint, /^ \(.+\)$/);
      assert.ok(hint.includes(c.has), hint);
    });
  }

  it('adds nothing when the error says enough or the code is unknown', () => {
    for (const code of [undefined, 0, 2, 'ETIMEDOUT', 'SOMETHING_NEW']) {
      assert.equal(brokerConnectHint(code, 'hub'), '', String(code));
    }
  });
});
