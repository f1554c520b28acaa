import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPABILITY_COMPACT_BATCH, ConfigSchema } from '@outpost/protocol';
import type { CredentialRow } from '../store/credentials.js';
import {
  cameraConfig,
  configMessage,
  deviceConfig,
  type SiteConfigBody,
  withCredential,
} from './site-config.js';

const decrypt = (b: string) => b.replace(/^enc:/, '');
const device = (snmp: object, secret: object | null) => ({
  id: 7,
  name: 'sw',
  ip_address: '192.0.2.10',
  snmp_json: JSON.stringify(snmp),
  snmp_secret: secret ? `enc:${JSON.stringify(secret)}` : null,
  poll_interval_s: 60,
  profile: null,
});

describe('agent config from the inventory', () => {
  it('builds a v2c device with its community and port', () => {
    const r = deviceConfig(
      device({ version: '2c', port: 1161, has_community: true }, { community: 'pub' }),
      decrypt,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.value.snmp, { version: '2c', community: 'pub' });
    assert.equal(r.value.port, 1161);
  });

  it('builds a v3 device with its keys and without flags the agent does not need', () => {
    const r = deviceConfig(
      device(
        {
          version: '3',
          port: 161,
          username: 'mon',
          security_level: 'authPriv',
          auth_protocol: 'sha256',
          priv_protocol: 'aes',
          has_auth_key: true,
        },
        { auth_key: 'authkey123', priv_key: 'privkey123' },
      ),
      decrypt,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.value.snmp, {
      version: '3',
      username: 'mon',
      security_level: 'authPriv',
      auth_protocol: 'sha256',
      auth_key: 'authkey123',
      priv_protocol: 'aes',
      priv_key: 'privkey123',
    });
  });

  it('leaves out a device whose settings the protocol refuses, saying why', () => {
    const r = deviceConfig(device({ version: '3', security_level: 'authPriv' }, null), decrypt);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /snmp\.username/);
  });

  it('sends camera credentials beside a URL without them', () => {
    const r = cameraConfig(
      {
        id: 3,
        name: 'cam',
        rtsp_url: 'rtsp://u:p@192.0.2.20/s',
        username: 'viewer',
        password_secret: 'enc:pw',
        meta: '{"nominal_fps":25}',
      },
      decrypt,
    );
    assert.ok(r.ok);
    assert.equal(r.value.rtsp_url, 'rtsp://192.0.2.20/s');
    assert.equal(r.value.password, 'pw');
    assert.equal(r.value.nominal_fps, 25);
  });

  it('announces compact batches in every config', () => {
    const body: SiteConfigBody = {
      site_id: 1,
      devices: [],
      cameras: [],
      intervals: { heartbeat_s: 30, batch_max_delay_ms: 1000 },
    };
    const message = ConfigSchema.parse(configMessage(body, 3, Date.UTC(2026, 0, 1)));
    assert.deepEqual(message.capabilities, [CAPABILITY_COMPACT_BATCH]);
  });
});

describe('devices and cameras referencing a credential', () => {
  const entry = (id: number, kind: 'snmp' | 'camera', settings: object, secret: object | string) => ({
    id,
    set_id: 1,
    kind,
    position: 0,
    settings: JSON.stringify(settings),
    secret: `enc:${typeof secret === 'string' ? secret : JSON.stringify(secret)}`,
    created_at: 0,
    updated_at: 0,
  });
  const entries = new Map<number, CredentialRow>([
    [4, entry(4, 'snmp', { version: '2c', has_community: true }, { community: 'site-ro' })],
    [5, entry(5, 'camera', { username: 'onvif' }, 'campw')],
  ]);

  it("takes the credential's community and keeps the device's own port", () => {
    const row = {
      ...device({ version: '2c', port: 1161, has_community: true }, { community: 'own' }),
      credential_id: 4,
    };
    const w = withCredential(row, entries);
    assert.ok(w.ok);
    const r = deviceConfig(w.row, decrypt);
    assert.ok(r.ok);
    assert.deepEqual(r.value.snmp, { version: '2c', community: 'site-ro' });
    assert.equal(r.value.port, 1161);
  });

  it("takes the camera login's username and password", () => {
    const cam = {
      id: 3,
      name: 'cam',
      rtsp_url: 'rtsp://192.0.2.20/s',
      username: null,
      password_secret: null,
      meta: '{}',
      credential_id: 5,
    };
    const w = withCredential(cam, entries);
    assert.ok(w.ok);
    const r = cameraConfig(w.row, decrypt);
    assert.ok(r.ok);
    assert.equal(r.value.username, 'onvif');
    assert.equal(r.value.password, 'campw');
  });

  it('refuses a missing credential or one of the wrong kind, saying which', () => {
    const gone = withCredential({ ...device({ version: '2c' }, null), credential_id: 9 }, entries);
    assert.equal(gone.ok, false);
    assert.match(gone.ok ? '' : gone.reason, /credential 9 no longer exists/);
    const wrong = withCredential({ ...device({ version: '2c' }, null), credential_id: 5 }, entries);
    assert.match(wrong.ok ? '' : wrong.reason, /not an SNMP credential/);
  });
});
