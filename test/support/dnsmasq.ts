// dnsmasq (Debian's dnsmasq-base) as a local resolver stub for DNS checks: authoritative answers for a few test
// names, no upstream, on 127.0.0.1 and an ephemeral port.
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as dnsPromises } from 'node:dns';
import { freeUdpPort } from './snmpd.js';

export interface RunningDnsmasq {
  port: number;
  stop(): Promise<void>;
}

/** Starts dnsmasq answering `records` (name -> IPv4 address); other names get NXDOMAIN. */
export async function startDnsmasq(records: Record<string, string>): Promise<RunningDnsmasq> {
  const port = await freeUdpPort();
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    '--bind-interfaces',
    '--listen-address=127.0.0.1',
    `--port=${port}`,
    '--user=',
    '--pid-file=',
    ...Object.entries(records).map(([name, addr]) => `--host-record=${name},${addr}`),
    // Names under test.invalid that are not records: NXDOMAIN, never forwarded.
    '--local=/test.invalid/',
  ];
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  // Ready when it answers.
  const resolver = new dnsPromises.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const name = Object.keys(records)[0]!;
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr.trim()}`);
    try {
      await resolver.resolve4(name);
      return { port, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`dnsmasq did not answer on port ${port}: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
