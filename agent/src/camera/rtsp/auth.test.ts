import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CAMERAS } from '../fixtures/cameras.js';
import { authLabel, authorization, chooseChallenge, parseChallenges } from './auth.js';
import { RtspResponseParser } from './message.js';

function params(header: string): Record<string, string> {
  const [c] = parseChallenges(header.replace(/^Digest /, 'Digest '));
  return c?.params ?? {};
}

describe('Digest responses (RFC test vectors)', () => {
  it('RFC 2617 3.5: MD5 with qop=auth', () => {
    const [c] = parseChallenges(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const chosen = chooseChallenge([c!]);
    assert.equal(chosen?.qop, 'auth');
    const h = authorization(
      chosen!,
      { username: 'Mufasa', password: 'Circle Of Life' },
      { method: 'GET', uri: '/dir/index.html', nc: 1, cnonce: '0a4f113b' },
    );
    const p = params(h);
    assert.equal(p.response, '6629fae49393a05397450978507c4ef1');
    assert.equal(p.nc, '00000001');
    assert.equal(p.opaque, '5ccc069c403ebaf9f0171e9517f40e41');
    assert.equal(p.qop, 'auth');
  });

  const rfc7616 =
    'realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
  const input = {
    method: 'GET',
    uri: '/dir/index.html',
    nc: 1,
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };
  const creds = { username: 'Mufasa', password: 'Circle of Life' };

  it('RFC 7616 3.9.1: SHA-256 preferred over MD5 when both are offered', () => {
    const offered = parseChallenges([
      `Digest ${rfc7616}, algorithm=MD5`,
      `Digest ${rfc7616}, algorithm=SHA-256`,
    ]);
    const chosen = chooseChallenge(offered);
    assert.equal(authLabel(chosen), 'digest-sha256');
    assert.equal(
      params(authorization(chosen!, creds, input)).response,
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('RFC 7616 3.9.1: the MD5 answer to the same challenge', () => {
    const chosen = chooseChallenge(parseChallenges(`Digest ${rfc7616}, algorithm=MD5`));
    assert.equal(params(authorization(chosen!, creds, input)).response, '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 2069 form (no qop): response = H(HA1:nonce:HA2), no nc or cnonce sent', () => {
    const chosen = chooseChallenge(
      parseChallenges('Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"'),
    );
    const h = authorization(
      chosen!,
      { username: 'Mufasa', password: 'Circle Of Life' },
      { method: 'GET', uri: '/dir/index.html', nc: 1 },
    );
    const p = params(h);
    // Computed independently: printf HA1:nonce:HA2 | md5sum, with HA1 and HA2 from md5sum too.
    assert.equal(p.response, '670fd8c2df070c60b045671b8b24ff02');
    assert.equal(p.nc, undefined);
    assert.equal(p.cnonce, undefined);
  });

  it('Basic is username:password in base64', () => {
    const chosen = chooseChallenge(parseChallenges('Basic realm="cam"'));
    assert.equal(
      authorization(
        chosen!,
        { username: 'Aladdin', password: 'open sesame' },
        { method: 'DESCRIBE', uri: 'rtsp://x/', nc: 1 },
      ),
      'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    );
  });
});

describe('challenge parsing and choice', () => {
  it('splits several challenges in one header value', () => {
    const c = parseChallenges('Digest realm="a, b", nonce="n1", stale=FALSE, Basic realm="a"');
    assert.deepEqual(
      c.map((x) => [x.scheme, x.params.realm]),
      [
        ['digest', 'a, b'],
        ['basic', 'a'],
      ],
    );
    assert.equal(c[0]?.params.stale, 'FALSE');
  });
  it('unescapes quoted strings and tolerates spaces around "="', () => {
    const [c] = parseChallenges('Digest realm = "say \\"hi\\"" , nonce=abc');
    assert.equal(c?.params.realm, 'say "hi"');
    assert.equal(c?.params.nonce, 'abc');
  });
  it('prefers Digest over Basic whatever the order', () => {
    assert.equal(
      authLabel(chooseChallenge(parseChallenges(['Basic realm="x"', 'Digest realm="x", nonce="1"']))),
      'digest-md5',
    );
  });
  it('ignores unknown schemes and algorithms, falling back to what it can answer', () => {
    const c = parseChallenges([
      'Negotiate',
      'Digest realm="x", nonce="1", algorithm=SHA-512-256',
      'Basic realm="x"',
    ]);
    assert.equal(authLabel(chooseChallenge(c)), 'basic');
    assert.equal(chooseChallenge(parseChallenges('Negotiate abc')), undefined);
  });
  it('skips a Digest challenge that offers only qop=auth-int', () => {
    assert.equal(chooseChallenge(parseChallenges('Digest realm="x", nonce="1", qop="auth-int"')), undefined);
  });
  for (const cam of ALL_CAMERAS.filter((c) => c.unauthorized)) {
    it(`answers ${cam.make} with ${cam.expect.challenge}`, () => {
      const [res] = new RtspResponseParser().push(Buffer.from(cam.unauthorized!));
      assert.equal(res?.status, 401);
      const chosen = chooseChallenge(parseChallenges(res!.headers.get('www-authenticate') ?? []));
      assert.equal(authLabel(chosen), cam.expect.challenge);
      assert.equal(chosen?.qop, cam.expect.qop);
      assert.equal(chosen?.challenge.params.realm, cam.expect.realm);
      const h = authorization(
        chosen!,
        { username: 'admin', password: 'pw' },
        { method: 'DESCRIBE', uri: 'rtsp://192.0.2.1/x', nc: 1 },
      );
      assert.match(
        h,
        /^Digest username="admin", realm=".+", nonce=".+", uri="rtsp:\/\/192\.0\.2\.1\/x", response="[0-9a-f]{32,64}"/,
      );
      if (chosen?.challenge.params.opaque) assert.match(h, /opaque="/);
    });
  }
});
