import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import tls from 'node:tls';
import { needPeers } from '../../../../test/support/peers.js';
import { ALL_CAMERAS } from '../fixtures/cameras.js';
import { parseChallenges } from './auth.js';
import { describe as rtspDescribe } from './client.js';
import type { RtspError } from './errors.js';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=fake\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n';

interface Req {
  method: string;
  uri: string;
  headers: Record<string, string>;
}
type Handler = (req: Req, port: number) => string | undefined;

const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A scripted RTSP server: `handler` answers each request (undefined = stay silent). */
async function fakeServer(handler: Handler): Promise<{ port: number; requests: Req[] }> {
  const requests: Req[] = [];
  const server = net.createServer((sock) => {
    let buf = '';
    sock.on('error', () => {});
    sock.on('data', (d) => {
      buf += d.toString();
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [line, ...rest] = buf.slice(0, end).split('\r\n');
        buf = buf.slice(end + 4);
        const [method = '', uri = ''] = (line ?? '').split(' ');
        const headers: Record<string, string> = {};
        for (const h of rest)
          headers[h.slice(0, h.indexOf(':')).toLowerCase()] = h.slice(h.indexOf(':') + 1).trim();
        const req = { method, uri, headers };
        requests.push(req);
        const out = handler(req, port);
        if (out !== undefined) sock.write(out.replace('CSeq: ?', `CSeq: ${headers.cseq}`));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, requests };
}

const ok = (extra = '') => `RTSP/1.0 200 OK\r\nCSeq: ?\r\n${extra}\r\n`;
const sdp = () =>
  `RTSP/1.0 200 OK\r\nCSeq: ?\r\nContent-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('RTSP client', () => {
  it('answers an RFC 7616 SHA-256 challenge with qop=auth and gets the SDP', async () => {
    const { port, requests } = await fakeServer((req) => {
      if (req.method === 'OPTIONS') return ok('Public: OPTIONS, DESCRIBE, SETUP, PLAY\r\n');
      const a = req.headers.authorization;
      if (!a)
        return 'RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\nWWW-Authenticate: Digest realm="r", nonce="n1", algorithm=MD5, qop="auth"\r\nWWW-Authenticate: Digest realm="r", nonce="n1", algorithm=SHA-256, qop="auth"\r\n\r\n';
      const p = parseChallenges(a)[0]?.params ?? {};
      const ha1 = sha('admin:r:pw');
      const ha2 = sha(`DESCRIBE:${p.uri}`);
      const expected = sha(`${ha1}:n1:${p.nc}:${p.cnonce}:auth:${ha2}`);
      return p.response === expected && p.algorithm === 'SHA-256'
        ? sdp()
        : 'RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\n\r\n';
    });
    const r = await rtspDescribe({ url: `rtsp://127.0.0.1:${port}/live`, username: 'admin', password: 'pw' });
    assert.equal(r.auth, 'digest-sha256');
    assert.equal(r.sdp, SDP);
    assert.deepEqual(r.methods, ['OPTIONS', 'DESCRIBE', 'SETUP', 'PLAY']);
    assert.equal(requests.filter((q) => q.method === 'DESCRIBE').length, 2);
    assert.ok(requests.every((q) => !q.uri.includes('pw')));
  });

  it('retries once with the new nonce when the server says stale=true', async () => {
    let round = 0;
    const { port } = await fakeServer((req) => {
      if (req.method === 'OPTIONS') return ok();
      round++;
      if (round === 1)
        return 'RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\nWWW-Authenticate: Digest realm="r", nonce="old"\r\n\r\n';
      if (round === 2)
        return 'RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\nWWW-Authenticate: Digest realm="r", nonce="new", stale=TRUE\r\n\r\n';
      return req.headers.authorization?.includes('nonce="new"')
        ? sdp()
        : 'RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\n\r\n';
    });
    const r = await rtspDescribe({ url: `rtsp://127.0.0.1:${port}/live`, username: 'a', password: 'b' });
    assert.equal(r.auth, 'digest-md5');
    assert.equal(round, 3);
  });

  it('follows a redirect to another port, bounded', async () => {
    const target = await fakeServer((req) => (req.method === 'OPTIONS' ? ok() : sdp()));
    const first = await fakeServer(
      () => `RTSP/1.0 302 Moved\r\nCSeq: ?\r\nLocation: rtsp://127.0.0.1:${target.port}/real\r\n\r\n`,
    );
    const r = await rtspDescribe({ url: `rtsp://127.0.0.1:${first.port}/old` });
    assert.equal(r.redirects, 1);
    assert.equal(r.url, `rtsp://127.0.0.1:${target.port}/real`);

    const loop = await fakeServer(
      (_req, port) => `RTSP/1.0 301 Moved\r\nCSeq: ?\r\nLocation: rtsp://127.0.0.1:${port}/again\r\n\r\n`,
    );
    await assert.rejects(
      rtspDescribe({ url: `rtsp://127.0.0.1:${loop.port}/x`, maxRedirects: 2 }),
      (e: RtspError) => e.code === 'redirect' && /more than 2 redirects/.test(e.message),
    );
  });

  it('sends no credentials across a redirect to another server, Basic included', async () => {
    const basic = `Basic ${Buffer.from('admin:cam-secret').toString('base64')}`;
    const askBasic = (req: Req) =>
      req.headers.authorization === basic
        ? req.method === 'OPTIONS'
          ? ok()
          : sdp()
        : 'RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\nWWW-Authenticate: Basic realm="cam"\r\n\r\n';
    const elsewhere = await fakeServer(askBasic);
    const first = await fakeServer(
      () => `RTSP/1.0 302 Moved\r\nCSeq: ?\r\nLocation: rtsp://127.0.0.1:${elsewhere.port}/real\r\n\r\n`,
    );
    await assert.rejects(
      rtspDescribe({ url: `rtsp://127.0.0.1:${first.port}/old`, username: 'admin', password: 'cam-secret' }),
      (e: RtspError) =>
        e.code === 'auth_required' &&
        new RegExp(
          `redirected from rtsp://127\\.0\\.0\\.1:${first.port} to rtsp://127\\.0\\.0\\.1:${elsewhere.port}`,
        ).test(e.message) &&
        !e.message.includes('cam-secret'),
    );
    assert.ok(elsewhere.requests.length > 0);
    for (const r of elsewhere.requests)
      assert.equal(r.headers.authorization, undefined, 'no credentials sent');

    // A redirect on the same server (another path) keeps them.
    const same = await fakeServer((req, port) =>
      req.uri.endsWith('/old')
        ? `RTSP/1.0 302 Moved\r\nCSeq: ?\r\nLocation: rtsp://127.0.0.1:${port}/real\r\n\r\n`
        : askBasic(req),
    );
    const r = await rtspDescribe({
      url: `rtsp://127.0.0.1:${same.port}/old`,
      username: 'admin',
      password: 'cam-secret',
    });
    assert.equal(r.sameOrigin, true);
    assert.equal(r.auth, 'basic');
  });

  it('times out a response that never comes, naming the step', async () => {
    const { port } = await fakeServer((req) => (req.method === 'OPTIONS' ? ok() : undefined));
    const t0 = Date.now();
    await assert.rejects(
      rtspDescribe({ url: `rtsp://127.0.0.1:${port}/x`, responseTimeoutMs: 300 }),
      (e: RtspError) => e.code === 'timeout' && /DESCRIBE within 300 ms/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 1_500);
  });

  it('maps 404, 403, 503 and a missing credential to their codes', async () => {
    const table: [string, string][] = [
      ['RTSP/1.0 404 Stream Not Found\r\nCSeq: ?\r\n\r\n', 'not_found'],
      ['RTSP/1.0 403 Forbidden\r\nCSeq: ?\r\n\r\n', 'auth_failed'],
      ['RTSP/1.0 503 Service Unavailable\r\nCSeq: ?\r\n\r\n', 'status'],
      ['RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\nWWW-Authenticate: Basic realm="x"\r\n\r\n', 'auth_required'],
    ];
    for (const [answer, code] of table) {
      const { port } = await fakeServer((req) => (req.method === 'OPTIONS' ? ok() : answer));
      await assert.rejects(
        rtspDescribe({ url: `rtsp://127.0.0.1:${port}/x` }),
        (e: RtspError) => e.code === code,
      );
    }
  });

  it('rejects wrong Basic credentials as auth_failed without echoing them', async () => {
    const { port } = await fakeServer((req) =>
      req.method === 'OPTIONS'
        ? ok()
        : 'RTSP/1.0 401 Unauthorized\r\nCSeq: ?\r\nWWW-Authenticate: Basic realm="cam"\r\n\r\n',
    );
    await assert.rejects(
      rtspDescribe({ url: `rtsp://127.0.0.1:${port}/x`, username: 'u', password: 'hunter22' }),
      (e: RtspError) => {
        assert.equal(e.code, 'auth_failed');
        assert.match(e.message, /credentials rejected \(basic\)/);
        assert.ok(!e.message.includes('hunter22'));
        return true;
      },
    );
  });

  it('reports a camera that closes the connection', async () => {
    const server = net.createServer((s) => s.end());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await assert.rejects(
      rtspDescribe({ url: `rtsp://127.0.0.1:${port}/x` }),
      (e: RtspError) => e.code === 'closed',
    );
  });

  it('stops at once when aborted', async () => {
    const { port } = await fakeServer(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(
      rtspDescribe({ url: `rtsp://127.0.0.1:${port}/x`, signal: ac.signal }),
      (e: RtspError) => e.code === 'aborted',
    );
  });

  it('speaks rtsps (TLS), verifying the certificate unless turned off', {
    skip: needPeers('openssl'),
  }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtsps-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      const r = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=camera.test',
        ],
        { stdio: 'ignore' },
      );
      assert.equal(r.status, 0);
      const server = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (sock) => {
        sock.on('error', () => {});
        sock.on('data', (d) => {
          const cseq = /CSeq: (\d+)/.exec(d.toString())?.[1];
          const method = d.toString().split(' ')[0];
          sock.write((method === 'OPTIONS' ? ok() : sdp()).replace('CSeq: ?', `CSeq: ${cseq}`));
        });
      });
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
      const port = (server.address() as net.AddressInfo).port;
      try {
        await assert.rejects(
          rtspDescribe({ url: `rtsps://127.0.0.1:${port}/live` }),
          (e: RtspError) => e.code === 'tls' && /self-signed certificate/.test(e.message),
          'a self-signed certificate is refused by default',
        );
        const got = await rtspDescribe({ url: `rtsps://127.0.0.1:${port}/live`, tlsVerify: false });
        assert.equal(got.sdp, SDP);
      } finally {
        server.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const cam of ALL_CAMERAS.filter((c) => c.unauthorized)) {
    it(`replays ${cam.make}: answers its challenge with ${cam.expect.challenge} and reads its SDP`, async () => {
      const withCseq = (text: string, cseq: string | undefined) => text.replace(/CSeq: \d+/, `CSeq: ${cseq}`);
      const { port } = await fakeServer((req) => {
        if (req.method === 'OPTIONS') return ok('Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n');
        const a = req.headers.authorization ?? '';
        const scheme = a.startsWith('Basic ')
          ? 'basic'
          : /algorithm=SHA-256/.test(a)
            ? 'digest-sha256'
            : a.startsWith('Digest ')
              ? 'digest-md5'
              : 'none';
        return withCseq(
          scheme === cam.expect.challenge ? cam.describe : (cam.unauthorized as string),
          req.headers.cseq,
        );
      });
      const r = await rtspDescribe({
        url: `rtsp://127.0.0.1:${port}/stream`,
        username: 'admin',
        password: 'pw',
      });
      assert.equal(r.auth, cam.expect.challenge);
      assert.match(r.sdp, /^v=0/);
      assert.match(r.sdp, /m=video/);
    });
  }

  it('refuses a URL that is not rtsp', async () => {
    await assert.rejects(rtspDescribe({ url: 'http://127.0.0.1/x' }), (e: RtspError) => e.code === 'bad_url');
  });
});
