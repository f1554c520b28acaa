// Agent memory and CPU while polling many devices, run as it is installed: the bundle
// (agent/dist/outpost-agent.mjs) under the systemd unit's node flags, enrolled into a real hub. Every device
// points at one real snmpd (a C agent that keeps up with the polls), so the agent holds N sessions, N
// schedules and N devices' counter state, as with N real devices.
//   npm run bench:agent-memory      (env: DEVICES=1000, POLL_S=60, WARMUP_S=90, MEASURE_S=120, AGENT_NODE_FLAGS)
// PEER=snmpsim points the devices at snmpsimd serving Debian's Cisco 3750 recording instead (59 interfaces,
// the cisco profile: about 2.5 times the counter state of snmpd's few interfaces). snmpsimd is slow Python, so
// use a longer interval with it, e.g. PEER=snmpsim POLL_S=300 WARMUP_S=330 (SIM_PROCESSES=2, SIM_DEVICES=8).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { agentUnitNodeFlags } from '../test/support/agent-unit.js';
import { spawnHubProcess } from '../test/support/hub-process.js';
import { startSnmpd } from '../test/support/snmpd.js';
import { startSnmpsim } from '../test/support/snmpsim.js';

const DEVICES = Number(process.env.DEVICES ?? 1000);
const POLL_S = Number(process.env.POLL_S ?? 60);
const WARMUP_S = Number(process.env.WARMUP_S ?? 90);
const MEASURE_S = Number(process.env.MEASURE_S ?? 120);
const PEER = process.env.PEER ?? 'snmpd';
if (PEER !== 'snmpd' && PEER !== 'snmpsim') throw new Error(`PEER must be snmpd or snmpsim, not ${PEER}`);
const ADMIN_PASSWORD = 'bench-memory-password-0123';
const ROOT = join(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'agent', 'dist', 'outpost-agent.mjs');
// The systemd unit's node flags (agent/deploy/outpost-agent.service); AGENT_NODE_FLAGS tries others.
const NODE_FLAGS = process.env.AGENT_NODE_FLAGS?.split(' ').filter(Boolean) ?? agentUnitNodeFlags();
const TICK_S = 100; // USER_HZ on Linux

function procStat(pid: number): { rssMiB: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssMiB: rssKb / 1024, cpuS: (Number(fields[11]) + Number(fields[12])) / TICK_S };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
/** A size in MiB, with the same in MB (10^6 bytes) as the target is written. */
const mib = (m: number) => `${m.toFixed(1)} MiB (${((m * 2 ** 20) / 1e6).toFixed(1)} MB)`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api(url: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function main() {
  execFileSync(process.execPath, [join(ROOT, 'agent', 'deploy', 'build.mjs')], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-mem-'));
  const peer =
    PEER === 'snmpd'
      ? await startSnmpd().then((d) => ({
          targets: [{ port: d.port, community: d.community }],
          stop: d.stop,
        }))
      : await startSnmpsim({
          devices: Number(process.env.SIM_DEVICES ?? 8),
          processes: Number(process.env.SIM_PROCESSES ?? 2),
        }).then((sim) => ({ targets: sim.devices, stop: sim.stop }));
  const hub = await spawnHubProcess(join(dir, 'hub'), { adminPassword: ADMIN_PASSWORD });
  let agent: ChildProcess | undefined;
  try {
    const login = await api(hub.url, null, 'POST', '/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    const token = login.access_token as string;
    const site = await api(hub.url, token, 'POST', '/sites', { name: 'bench-site' });
    const enrollment = await api(hub.url, token, 'POST', '/agents/enrollment-tokens', { site_id: site.id });
    const agentDir = join(dir, 'agent');
    execFileSync(
      process.execPath,
      [BUNDLE, 'enroll', '--hub', hub.url, '--token', enrollment.token, '--data', agentDir],
      {
        stdio: 'ignore',
      },
    );
    agent = spawn(process.execPath, [...NODE_FLAGS, BUNDLE, 'run', '--data', agentDir], {
      stdio: 'ignore',
      env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' },
    });
    const pid = agent.pid as number;
    const created = performance.now();
    for (let i = 0; i < DEVICES; i++) {
      await api(hub.url, token, 'POST', '/devices', {
        name: `bench-${i}`,
        ip_address: '127.0.0.1',
        site_id: site.id,
        device_type: 'switch',
        snmp: {
          version: '2c',
          port: peer.targets[i % peer.targets.length]!.port,
          community: peer.targets[i % peer.targets.length]!.community,
        },
        poll_interval_s: POLL_S,
      });
    }
    console.error(
      `created ${DEVICES} devices in ${((performance.now() - created) / 1000).toFixed(1)} s; warming up ${WARMUP_S} s`,
    );
    await sleep(WARMUP_S * 1000);
    const rss: number[] = [];
    const start = procStat(pid);
    const t0 = performance.now();
    while (performance.now() - t0 < MEASURE_S * 1000) {
      rss.push(procStat(pid).rssMiB);
      await sleep(1000);
    }
    const end = procStat(pid);
    const elapsed = (performance.now() - t0) / 1000;
    const status = await api(hub.url, token, 'GET', '/devices/status');
    const samples = await api(hub.url, token, 'GET', '/devices/1/metrics');
    console.log(
      [
        `# outpost agent memory and CPU (installed bundle, ${process.env.AGENT_NODE_FLAGS ? 'AGENT_NODE_FLAGS' : "the systemd unit's node flags"})`,
        `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}, node ${process.version}`,
        `setup: ${DEVICES} devices every ${POLL_S} s against ${PEER === 'snmpd' ? 'one real snmpd' : `snmpsimd (Cisco 3750 recording, ${peer.targets.length} communities)`}; node ${NODE_FLAGS.join(' ')} agent/dist/outpost-agent.mjs run`,
        `devices at the hub: ${status.online} online, ${status.offline} offline, ${status.unknown} unknown of ${status.total}; device 1 reports ${samples.metrics.length} metrics`,
        `agent RSS over ${elapsed.toFixed(0)} s (after ${WARMUP_S} s warm-up): median ${mib(pct(rss, 50))}, p99 ${mib(pct(rss, 99))}, max ${mib(Math.max(...rss))} (target < 100 MB)`,
        `agent CPU: ${(((end.cpuS - start.cpuS) / elapsed) * 100).toFixed(1)}% of one core`,
      ].join('\n'),
    );
  } finally {
    agent?.kill('SIGTERM');
    if (agent && agent.exitCode === null) await new Promise((r) => agent!.once('exit', r));
    hub.proc.kill('SIGTERM');
    await new Promise((r) => hub.proc.once('exit', r));
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
