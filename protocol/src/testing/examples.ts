import type { MessageInputs } from '../codec.js';

const T = Date.UTC(2026, 10, 22, 8, 0, 0);

/** One valid message of every kind, for tests on both sides of the link. */
export const EXAMPLES: { [K in keyof MessageInputs]: MessageInputs[K] } = {
  status: {
    v: 1,
    state: 'online',
    version: '0.1.0',
    started_at: T - 60_000,
    ts: T,
    hostname: 'shop-12-pi',
    config_version: 3,
    backlog: 0,
    dropped: 0,
  },
  batch: {
    v: 1,
    seq: 42,
    sent_at: T,
    samples: [
      {
        device_id: 7,
        metric: 'if_in_bps',
        value: 1_250_000,
        unit: 'bps',
        ts: T,
        labels: { if_index: '1', if_name: 'Gi0/1' },
      },
      { camera_id: 3, metric: 'stream_fps', value: 25, unit: 'fps', ts: T },
    ],
    events: [
      {
        type: 'device_state',
        ts: T,
        device_id: 7,
        status: 'online',
        sys: { name: 'core-sw', uptime_s: 86_400 },
      },
      { type: 'buffer_drop', ts: T, dropped: 120, total_dropped: 120 },
    ],
  },
  result: {
    v: 1,
    id: 'job_01',
    ts: T,
    state: 'running',
    progress: 50,
    logs: [{ ts: T, level: 'info', line: '1.3.6.1.2.1.1.5.0 = STRING: core-sw' }],
  },
  snapshot: {
    v: 1,
    camera_id: 3,
    ts: T,
    content_type: 'image/jpeg',
    width: 1920,
    height: 1080,
    image: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0xff, 0xd9]),
  },
  ack: { v: 1, upTo: 42 },
  config: {
    v: 1,
    version: 3,
    issued_at: T,
    site_id: 1,
    devices: [
      {
        id: 7,
        name: 'core-sw',
        ip_address: '192.0.2.10',
        snmp: { version: '2c', community: 'example-community' },
        poll_interval_s: 60,
      },
    ],
    cameras: [
      {
        id: 3,
        name: 'entrance',
        rtsp_url: 'rtsp://192.0.2.20:554/stream1',
        username: 'viewer',
        password: 'x',
      },
    ],
  },
  command: {
    v: 1,
    id: 'job_01',
    type: 'walk',
    args: { device_id: 7, oid: '1.3.6.1.2.1.1' },
    issued_at: T,
    timeout_s: 60,
  },
};
