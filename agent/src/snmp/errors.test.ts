import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toSnmpError } from './errors.js';

describe('toSnmpError', () => {
  const cases: { name: string; err: unknown; code: string; message?: RegExp }[] = [
    {
      name: 'a timeout',
      err: { name: 'RequestTimedOutError', message: 'Request timed out' },
      code: 'timeout',
      message: /^timeout$/,
    },
    {
      name: 'a USM unknown-user report',
      err: { name: 'ResponseInvalidError', code: 5, message: 'Unknown User Name' },
      code: 'auth_failed',
      message: /^authentication failed: unknown user name \(usmStatsUnknownUserNames\)$/,
    },
    {
      name: 'a USM wrong-digest report',
      err: {
        name: 'ResponseInvalidError',
        code: 5,
        message: 'Wrong Digest (incorrect password, community or key)',
      },
      code: 'auth_failed',
      message: /^authentication failed: wrong digest: auth key or protocol \(usmStatsWrongDigests\)$/,
    },
    {
      name: 'a local digest mismatch, without the digests',
      err: {
        name: 'ResponseInvalidError',
        code: 5,
        message: 'Authentication digest ab12 received does not match cd34',
      },
      code: 'auth_failed',
      message: /^authentication failed: wrong digest \(auth key\?\)$/,
    },
    {
      name: 'a decryption failure',
      err: { name: 'ResponseInvalidError', code: 4, message: 'Failed to decrypt PDU: x' },
      code: 'auth_failed',
      message: /could not decrypt/,
    },
    {
      name: 'a community mismatch, without the communities',
      err: {
        name: 'ResponseInvalidError',
        code: 10,
        message: "Community 's3cret' in request does not match 'x'",
      },
      code: 'auth_failed',
      message: /^authentication failed: the response has another community$/,
    },
    {
      name: 'an out-of-order response',
      err: { name: 'ResponseInvalidError', code: 8, message: 'x' },
      code: 'invalid_response',
    },
    { name: 'tooBig', err: { name: 'RequestFailedError', status: 1, message: 'TooBig' }, code: 'too_big' },
    {
      name: 'noSuchName',
      err: { name: 'RequestFailedError', status: 2, message: 'NoSuchName' },
      code: 'no_such_name',
    },
    {
      name: 'authorizationError',
      err: { name: 'RequestFailedError', status: 16, message: 'AuthorizationError' },
      code: 'auth_failed',
    },
    {
      name: 'genErr',
      err: { name: 'RequestFailedError', status: 5, message: 'GeneralError' },
      code: 'request_failed',
    },
    {
      name: 'DES without the legacy provider',
      err: new Error('error:0308010C:digital envelope routines::unsupported'),
      code: 'unsupported',
      message: /--openssl-legacy-provider/,
    },
    { name: 'a closed session', err: new Error('Socket forcibly closed'), code: 'closed' },
    {
      name: 'a socket error',
      err: new Error('send EHOSTUNREACH 10.0.0.5:161'),
      code: 'network',
      message: /EHOSTUNREACH/,
    },
  ];
  for (const c of cases) {
    it(`maps ${c.name} to ${c.code}`, () => {
      const e = toSnmpError(c.err);
      assert.equal(e.code, c.code);
      if (c.message) assert.match(e.message, c.message);
      assert.equal(e.cause, c.err);
    });
  }
});
