import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { needPeers } from './support/peers.js';
import { freeUdpPort, type RunningSnmpd, startSnmpd } from './support/snmpd.js';

const BIN = fileURLToPath(new URL('../agent/bin/outpost-agent.js', import.meta.url));

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe('outpost-agent poll against a real snmpd', { skip: needPeers('snmpd') }, () => {
  let snmpd: RunningSnmpd;
  before(async () => {
    snmpd = await startSnmpd({ sysName: 'cli-snmpd' });
  });
  after(async () => {
    await snmpd?.stop();
  });

  it('prints one v3 authPriv poll as a table without printing the keys', async () => {
    const u = snmpd.v3;
    const r = await run(
      [
        'poll',
        '--ip',
        '127.0.0.1',
        '--port',
        String(snmpd.port),
        '--v3-user',
        u.user,
        '--auth-protocol',
        'sha',
        '--priv-protocol',
        'aes',
      ],
      { OUTPOST_SNMP_AUTH_KEY: u.authKey, OUTPOST_SNMP_PRIV_KEY: u.privKey },
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^127\\.0\\.0\\.1:${snmpd.port} {2}online\\n {2}name {7}cli-snmpd\\n`));
    assert.match(r.out, /if_oper_status +if_index=1 if_name=lo +1\n/);
    assert.ok(!r.out.includes(u.authKey!) && !r.out.includes(u.privKey!));
  });

  it('prints JSON with --json and exits 3 when the device does not answer', async () => {
    const ok = await run([
      'poll',
      '--ip',
      '127.0.0.1',
      '--port',
      String(snmpd.port),
      '--community',
      snmpd.community,
      '--json',
    ]);
    assert.equal(ok.code, 0, ok.err);
    const parsed = JSON.parse(ok.out) as { samples: unknown[]; events: { type: string; status?: string }[] };
    assert.equal(parsed.events[0]?.status, 'online');
    assert.ok(parsed.samples.length > 0);
    assert.ok(!ok.out.includes(snmpd.community));
    const port = await freeUdpPort();
    const down = await run([
      'poll',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--community',
      'x',
      '--timeout',
      '200',
      '--retries',
      '0',
    ]);
    assert.equal(down.code, 3);
    assert.match(down.out, /unreachable: get system: timeout/);
  });

  it('refuses bad flags with exit code 2 and an error naming the flag', async () => {
    const r = await run(['poll', '--ip', '127.0.0.1', '--community', 'c', '--timeout', 'soon']);
    assert.equal(r.code, 2);
    assert.match(r.err + r.out, /--timeout: /);
  });

  it('polls a v3 MD5/DES device when node runs with the OpenSSL legacy provider', async () => {
    const u = snmpd.v3Users.find((x) => x.privProtocol === 'des')!;
    const r = await run(
      [
        'poll',
        '--ip',
        '127.0.0.1',
        '--port',
        String(snmpd.port),
        '--v3-user',
        u.user,
        '--auth-protocol',
        'md5',
        '--priv-protocol',
        'des',
      ],
      {
        OUTPOST_SNMP_AUTH_KEY: u.authKey,
        OUTPOST_SNMP_PRIV_KEY: u.privKey,
        NODE_OPTIONS: '--openssl-legacy-provider',
      },
    );
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /online\n {2}name {7}cli-snmpd/);
  });
});
