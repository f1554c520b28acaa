import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { SecretBox } from '../../crypto/secrets.js';
import { credentialSetsForConfig } from '../../inventory/credential-sets.js';
import type { CredentialRow } from '../../store/credentials.js';
import { ApiError } from '../errors.js';
import { credentialSetToApi, credentialWrites } from './credential.js';

const box = new SecretBox(randomBytes(32));
const T = Date.UTC(2026, 10, 29);
const asRows = (writes: ReturnType<typeof credentialWrites>, first = 1): CredentialRow[] =>
  writes.map((w, i) => ({
    ...w,
    id: w.id ?? first + i,
    set_id: 1,
    position: i,
    created_at: T,
    updated_at: T,
  }));

describe('credential sets', () => {
  it('stores secrets encrypted and shows only whether they are there', () => {
    const w = credentialWrites(
      box,
      {
        snmp: [
          { version: '2c', community: 'public-ish' },
          {
            version: '3',
            username: 'mon',
            auth_protocol: 'sha',
            auth_key: 'auth-key-1',
            priv_protocol: 'aes',
            priv_key: 'priv-key-1',
          },
        ],
        camera: [{ username: 'admin', password: 'cam-pass' }],
      },
      [],
    );
    const text = JSON.stringify(w);
    for (const s of ['public-ish', 'auth-key-1', 'priv-key-1', 'cam-pass'])
      assert.ok(!text.includes(s), `${s} in clear`);
    const view = credentialSetToApi(
      { id: 1, site_id: null, name: 'x', created_at: T, updated_at: T },
      asRows(w),
      box,
      new Map(),
    );
    assert.ok(!JSON.stringify(view).includes('public-ish'));
    assert.deepEqual(
      view.snmp.map((s) => [s.version, s.has_community, s.has_auth_key, s.has_priv_key, s.security_level]),
      [
        ['2c', true, false, false, undefined],
        ['3', false, true, true, 'authPriv'],
      ],
    );
    assert.deepEqual(
      view.camera.map((c) => [c.username, c.has_password]),
      [['admin', true]],
    );
    const config = credentialSetsForConfig(
      box,
      [{ id: 1, site_id: null, name: 'x', created_at: T, updated_at: T }],
      asRows(w),
    );
    assert.deepEqual(config[0]?.snmp[0]?.snmp, { version: '2c', community: 'public-ish' });
    assert.equal(config[0]?.camera[0]?.password, 'cam-pass');
  });

  it('keeps the stored secret of an entry written back by id without it', () => {
    const rows = asRows(credentialWrites(box, { snmp: [{ version: '2c', community: 'keep-me' }] }, []));
    const again = credentialWrites(box, { snmp: [{ id: 1, version: '2c' }] }, rows);
    assert.equal(JSON.parse(box.decrypt(again[0]!.secret!)).community, 'keep-me');
  });

  it('refuses an incomplete v3 credential and an id of no entry, naming the fields', () => {
    try {
      credentialWrites(
        box,
        {
          snmp: [
            { version: '3', username: 'mon', security_level: 'authPriv' },
            { id: 99, version: '2c', community: 'x' },
          ],
        },
        [],
      );
      assert.fail('expected a refusal');
    } catch (err) {
      assert.ok(err instanceof ApiError);
      const paths = (err.details as { path: string }[]).map((d) => d.path);
      assert.ok(paths.includes('body.snmp.0.auth_key'), paths.join());
      assert.ok(paths.includes('body.snmp.1.id'), paths.join());
    }
  });
});
