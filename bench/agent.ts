// `npm run bench:agent`: the agent's SNMP poller against many devices simulated by snmpsim (Debian's Cisco 3750
// recording, one community per device), compared with Net-SNMP's snmpbulkwalk on the same data.
// Prints figures; asserts nothing. Knobs: BENCH_DEVICES, BENCH_PROCESSES, BENCH_ROUNDS, BENCH_IN_FLIGHT,
// BENCH_WARMUP, BENCH_REPETITIONS, BENCH_REF_DEVICES, BENCH_SPREAD_S (e.g. BENCH_DEVICES=1000
// BENCH_SPREAD_S=60 BENCH_WARMUP=1 BENCH_ROUNDS=1 measures 1,000 devices at a 60 s interval for real).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createNetSnmpTransport,
  createSnmpPoller,
  type PollResult,
  type SnmpTransport,
} from '@outpost/agent';
import type { DeviceConfig } from '@outpost/protocol';
import { type RunningSnmpsim, startSnmpsim } from '../test/support/snmpsim.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const DEVICES = env('BENCH_DEVICES', 60);
const PROCESSES = env('BENCH_PROCESSES', 2);
const ROUNDS = env('BENCH_ROUNDS', 5);
const WARMUP = env('BENCH_WARMUP', 4);
const IN_FLIGHT = env('BENCH_IN_FLIGHT', 32);
const REPETITIONS = env('BENCH_REPETITIONS', 50);
const REF_DEVICES = env('BENCH_REF_DEVICES', 4);
/** Spread each round's polls over this many seconds, as the agent's scheduler does (0: all at once). */
const SPREAD_S = env('BENCH_SPREAD_S', 0);
const TARGET_DEVICES = 1000;
const TARGET_INTERVAL_S = 60;

/** Counts the varbinds that cross the transport, so every figure is per varbind actually received. */
function counting(inner: SnmpTransport): SnmpTransport & { varbinds: number; requests: number } {
  const t = {
    varbinds: 0,
    requests: 0,
    async get(target: Parameters<SnmpTransport['get']>[0], oids: string[]) {
      const r = await inner.get(target, oids);
      t.varbinds += r.length;
      t.requests++;
      return r;
    },
    async walk(...args: Parameters<SnmpTransport['walk']>) {
      const [target, oid, onVarbinds, opts] = args;
      const s = await inner.walk(target, oid, onVarbinds, opts);
      t.varbinds += s.varbinds;
      t.requests += s.requests;
      return s;
    },
    forget: (id: string) => inner.forget(id),
    close: () => inner.close(),
  };
  return t;
}

/** CPU seconds (user + system) a process has used so far, from /proc (for the snmpsimd processes). */
function procCpuS(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return Number.NaN;
  }
}

const sh = (script: string) =>
  new Promise<string>((resolve, reject) =>
    execFile('bash', ['-c', script], { maxBuffer: 256 << 20 }, (err, out, errOut) =>
      err ? reject(new Error(`${errOut || err.message}`)) : resolve(out),
    ),
  );

/** Children's user+sys CPU seconds from bash's `times` (second line: children). */
function childCpu(timesOut: string): number {
  const line = timesOut.trim().split('\n').at(-1) ?? '';
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return (secs[0] ?? 0) + (secs[1] ?? 0);
}

/**
 * snmpbulkwalk of each device's whole MIB view (the recording: every varbind the agent polls, and the rest),
 * one process per device as an operator would run it, with the agent's max-repetitions. Start-up is amortised
 * over ~51,000 varbinds, so this is the C tool at its cheapest per varbind.
 */
async function referenceCost(sim: RunningSnmpsim, devices: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-'));
  const cmds = sim.devices
    .slice(0, devices)
    .map(
      (d, i) =>
        `snmpbulkwalk -m '' -On -Oq -Cr${REPETITIONS} -v2c -c ${d.community} -t 5 127.0.0.1:${d.port} 1.3.6 > ${dir}/${i}.txt`,
    );
  const t0 = Date.now();
  const cpuS = childCpu(await sh(`${cmds.join('\n')}\ntimes`));
  const wallS = (Date.now() - t0) / 1000;
  let varbinds = 0;
  for (const f of fs.readdirSync(dir))
    varbinds += fs
      .readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('.')).length;
  fs.rmSync(dir, { recursive: true, force: true });
  return { varbinds, cpuS, processes: cmds.length, wallS };
}

/** The agent's transport alone walking the same whole MIB view of one device (same requests as the C tool). */
async function transportWalkCost(sim: RunningSnmpsim) {
  const t = createNetSnmpTransport({ maxInFlight: 4, maxRepetitions: REPETITIONS });
  const d = sim.devices[0]!;
  const target = {
    id: 'walk',
    host: '127.0.0.1',
    port: d.port,
    credentials: { version: '2c' as const, community: d.community },
    timeoutMs: 5000,
    retries: 1,
  };
  await t.walk(target, '1.3.6.1.2.1.2', () => {});
  const c0 = process.cpuUsage();
  const s = await t.walk(target, '1.3.6', () => {});
  const c = process.cpuUsage(c0);
  t.close();
  return { varbinds: s.varbinds, requests: s.requests, cpuMs: (c.user + c.system) / 1000 };
}

async function main() {
  const started = Date.now();
  console.log('# outpost agent SNMP benchmark');
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  console.log(
    `setup: ${DEVICES} simulated devices (Cisco 3750 recording) on ${PROCESSES} snmpsimd processes, ` +
      `${WARMUP} warm-up + ${ROUNDS} measured rounds${SPREAD_S ? ` spread over ${SPREAD_S} s each` : ''}, ${IN_FLIGHT} requests in flight, max-repetitions ${REPETITIONS}`,
  );
  const sim = await startSnmpsim({ devices: DEVICES, processes: PROCESSES });
  // Interrupted: stop the simulators too (a signal skips `finally`).
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      sim.stop().finally(() => process.exit(130));
    });
  try {
    const transport = counting(
      createNetSnmpTransport({ maxInFlight: IN_FLIGHT, maxRepetitions: REPETITIONS }),
    );
    const poller = createSnmpPoller({ maxInFlight: IN_FLIGHT, transport });
    const devices: DeviceConfig[] = sim.devices.map((d, i) => ({
      id: i + 1,
      name: d.community,
      ip_address: '127.0.0.1',
      port: d.port,
      snmp: { version: '2c', community: d.community },
      poll_interval_s: 60,
      timeout_ms: 10_000,
      retries: 1,
      profiles: [],
    }));
    const round = async () => {
      const step = (SPREAD_S * 1000) / devices.length;
      const totals = { samples: 0, online: 0, errors: 0 };
      // Count each result and drop it, as the agent hands it to the outbox: holding 1,000 polls' samples
      // would measure the bench, not the agent.
      const count = (r: PollResult) => {
        totals.samples += r.samples.length;
        for (const e of r.events) {
          if (e.type === 'device_state' && e.status === 'online') totals.online++;
          if (e.type === 'error') totals.errors++;
        }
      };
      await Promise.all(
        devices.map((d, i) =>
          (step > 0
            ? new Promise((r) => setTimeout(r, i * step)).then(() => poller.poll(d))
            : poller.poll(d)
          ).then(count),
        ),
      );
      return totals;
    };
    // Warm-up: sessions, per-column row hints, the first counter readings, and V8's optimising compiler (which
    // runs on background threads and would otherwise be billed to the first rounds).
    let warm = await round();
    for (let i = 1; i < WARMUP; i++) warm = await round();
    console.log(
      `warm-up: ${WARMUP} rounds; last ${warm.online}/${devices.length} online, ${warm.samples} samples, ${warm.errors} errors`,
    );

    let rssPeak = process.memoryUsage().rss;
    const rssTimer = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 50);
    const simCpu0 = sim.pids.reduce((a, p) => a + procCpuS(p), 0);
    const vb0 = transport.varbinds;
    const rq0 = transport.requests;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let samples = 0;
    let online = 0;
    let errors = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await round();
      samples += r.samples;
      online += r.online;
      errors += r.errors;
    }
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(rssTimer);
    const simCpuS = sim.pids.reduce((a, p) => a + procCpuS(p), 0) - simCpu0;
    const varbinds = transport.varbinds - vb0;
    const requests = transport.requests - rq0;
    const agentCpuMs = (cpu.user + cpu.system) / 1000;
    const perK = (agentCpuMs / varbinds) * 1000;
    const polls = ROUNDS * devices.length;
    const cpuPerPollMs = agentCpuMs / polls;
    const vbPerPoll = varbinds / polls;

    console.log('\n## agent (net-snmp transport + profiles + rates)');
    console.log(`polls: ${polls} (${online} online, ${errors} error events), ${samples} samples`);
    console.log(
      `varbinds: ${varbinds} in ${requests} requests (${(varbinds / requests).toFixed(1)} per request), ${vbPerPoll.toFixed(0)} per device poll`,
    );
    console.log(
      `wall: ${wallS.toFixed(2)} s -> ${(varbinds / wallS).toFixed(0)} varbinds/s (bounded by snmpsimd: ${simCpuS.toFixed(2)} CPU s over ${PROCESSES} processes)`,
    );
    console.log(
      `agent CPU: ${agentCpuMs.toFixed(0)} ms (user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)}) -> ${perK.toFixed(2)} ms per 1,000 varbinds, ${cpuPerPollMs.toFixed(2)} ms per device poll`,
    );
    console.log(
      `RSS: peak ${(rssPeak / 2 ** 20).toFixed(1)} MiB while ${devices.length} devices were polled ${SPREAD_S ? `over ${SPREAD_S} s per round` : 'at once'}`,
    );
    if (SPREAD_S)
      console.log(
        `measured: agent CPU ${((agentCpuMs / (wallS * 1000)) * 100).toFixed(1)}% of one core over the ${wallS.toFixed(1)} s the round took`,
      );
    // What stays: sessions and per-device counter state, measured as the heap freed by forgetting every device.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      const withState = process.memoryUsage();
      for (const d of devices) poller.forget(d.id);
      gc();
      const without = process.memoryUsage();
      const mib = (n: number) => (n / 2 ** 20).toFixed(1);
      console.log(
        `memory after GC: heap used ${mib(withState.heapUsed)} of ${mib(withState.heapTotal)} MiB committed, ` +
          `external ${mib(withState.external)} MiB (array buffers ${mib(withState.arrayBuffers)}), RSS ${mib(withState.rss)} MiB`,
      );
      const perDeviceKiB = (withState.heapUsed - without.heapUsed) / devices.length / 1024;
      console.log(
        `after GC: RSS ${(withState.rss / 2 ** 20).toFixed(1)} MiB, heap ${(withState.heapUsed / 2 ** 20).toFixed(1)} MiB; ` +
          `state and session per device ${perDeviceKiB.toFixed(1)} KiB -> ${TARGET_DEVICES} devices ${((perDeviceKiB * TARGET_DEVICES) / 1024).toFixed(1)} MiB of heap`,
      );
    }

    const refDevices = Math.min(REF_DEVICES, devices.length);
    const ref = await referenceCost(sim, refDevices);
    const refPerK = (ref.cpuS * 1e6) / ref.varbinds;
    const tw = await transportWalkCost(sim);
    const twPerK = (tw.cpuMs / tw.varbinds) * 1000;
    console.log('\n## reference: Net-SNMP snmpbulkwalk (C) on the same recording');
    console.log(
      `${ref.processes} snmpbulkwalk runs of the whole MIB view (-Cr${REPETITIONS}): ${ref.varbinds} varbinds in ${ref.wallS.toFixed(2)} s, ` +
        `CPU ${(ref.cpuS * 1000).toFixed(0)} ms -> ${refPerK.toFixed(2)} ms per 1,000 varbinds`,
    );
    console.log(
      `agent transport alone, same walk of one device: ${tw.varbinds} varbinds in ${tw.requests} requests, ` +
        `CPU ${tw.cpuMs.toFixed(0)} ms -> ${twPerK.toFixed(2)} ms per 1,000 varbinds (${(twPerK / refPerK).toFixed(2)}x the C tool)`,
    );
    console.log(
      `ratio agent poll (transport + profiles + rates) / snmpbulkwalk: ${(perK / refPerK).toFixed(2)}x per varbind (target <= 3x)`,
    );

    const coreShare = ((cpuPerPollMs * TARGET_DEVICES) / (TARGET_INTERVAL_S * 1000)) * 100;
    console.log(
      `\n## ${TARGET_DEVICES} devices every ${TARGET_INTERVAL_S} s (extrapolated from ${polls} measured polls of this device)`,
    );
    console.log(
      `${TARGET_DEVICES} x ${cpuPerPollMs.toFixed(2)} ms per poll / ${TARGET_INTERVAL_S} s = ${coreShare.toFixed(1)}% of one core (target < 25%); ` +
        `${((vbPerPoll * TARGET_DEVICES) / TARGET_INTERVAL_S).toFixed(0)} varbinds/s sustained`,
    );
    console.log(`\ntotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
    poller.close();
  } finally {
    await sim.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
