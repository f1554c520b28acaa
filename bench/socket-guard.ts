// `npm run bench:socket-guard`: what the broker's socket guard (hub/src/broker/socket-guard.ts) costs an agent
// connection. Every byte an agent sends passes through a GuardedConnection, which reads the MQTT fixed headers
// and hands the chunks on to aedes; this measures the CPU of a stream of PUBLISH packets parsed by mqtt-packet
// (the parser aedes uses) as read from a bare stream and through the guard, in process (no sockets and no broker
// logic: the guard's own cost is the difference, and the parser's cost the yardstick it is compared with).
// Two packet sizes: a full `up/batch` (about 30 kB, what a busy agent sends) and a small one (200 B, a status
// or a trickle batch), where the per-packet cost shows. Prints figures; asserts nothing.
// Knobs: GUARD_MB (megabytes per run, 300), GUARD_REPEAT (runs per case, 7), GUARD_CHUNK (bytes per write, 65536:
// what a TCP socket typically delivers at once; small packets are coalesced into such chunks).
import os from 'node:os';
import { type Duplex, PassThrough } from 'node:stream';
import mqttPacket from 'mqtt-packet';
import { GuardedConnection } from '../hub/src/broker/socket-guard.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const MEGABYTES = env('GUARD_MB', 300);
const REPEAT = env('GUARD_REPEAT', 7);
const CHUNK = env('GUARD_CHUNK', 65_536);
const LIMITS = { maxPacketBytes: 5 << 20, maxPreAuthBytes: 1 << 30 };
const TOPIC = 'outpost/v1/agents/agent-0123456789abcdef/up/batch';

function publish(payloadBytes: number): Buffer {
  return mqttPacket.generate({
    cmd: 'publish',
    topic: TOPIC,
    payload: Buffer.alloc(payloadBytes, 7),
    qos: 1,
    messageId: 1,
    retain: false,
    dup: false,
  });
}

/**
 * The bytes a client sends: CONNECT, then about MEGABYTES of PUBLISH packets in CHUNK-sized writes (packets
 * split across writes, headers included, as TCP delivers them). One period of about 4 MB is cut once and its
 * chunks are written again and again.
 */
function wire(packet: Buffer, megabytes = MEGABYTES): { chunks: Buffer[]; packets: number; bytes: number } {
  const connect = mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: 'agent-0123456789abcdef',
    clean: false,
    keepalive: 30,
  });
  const perPeriod = Math.max(1, Math.floor(4e6 / packet.length));
  const period = Buffer.concat(Array.from({ length: perPeriod }, () => packet));
  const periodChunks: Buffer[] = [];
  for (let i = 0; i < period.length; i += CHUNK) periodChunks.push(period.subarray(i, i + CHUNK));
  const rounds = Math.max(1, Math.round((megabytes * 1e6) / period.length));
  const chunks = [connect];
  for (let r = 0; r < rounds; r++) chunks.push(...periodChunks);
  return { chunks, packets: rounds * perPeriod, bytes: connect.length + rounds * period.length };
}

/** CPU milliseconds (user + system) to parse every packet read out of a bare stream or the guard. */
async function run(guarded: boolean, chunks: Buffer[], packets: number): Promise<number> {
  const src = new PassThrough({ highWaterMark: 1 << 20 });
  let cut: string | undefined;
  const reader: Duplex = guarded
    ? new GuardedConnection(src, LIMITS, (v) => {
        cut = v;
      })
    : src;
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let parsed = 0;
  const done = new Promise<void>((resolve, reject) => {
    parser.on('packet', () => {
      if (++parsed === packets) resolve();
    });
    parser.on('error', reject);
    reader.on('close', () => reject(new Error(`the guard cut the stream (${cut})`)));
  });
  reader.on('data', (b: Buffer) => parser.parse(b));
  const started = process.cpuUsage();
  for (const c of chunks) {
    if (!src.write(c)) await new Promise((r) => src.once('drain', r));
  }
  await done;
  const used = process.cpuUsage(started);
  reader.removeAllListeners('close');
  reader.destroy();
  return (used.user + used.system) / 1000;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const cpu = os.cpus();
console.log(
  `machine: ${cpu.length} cores (${cpu[0]?.model.trim()}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}`,
);
console.log(`${MEGABYTES} MB per run, ${REPEAT} runs per case, writes of ${CHUNK} B; medians of CPU time`);
for (const [name, payload] of [
  ['batch 30 kB', 30_000],
  ['small 200 B', 200],
] as const) {
  const packet = publish(payload);
  const { chunks, packets, bytes } = wire(packet);
  const bare: number[] = [];
  const guard: number[] = [];
  const warm = wire(packet, 16);
  await run(false, warm.chunks, warm.packets + 1); // warm-up of the parser and the guard
  await run(true, warm.chunks, warm.packets + 1);
  for (let i = 0; i < REPEAT; i++) {
    bare.push(await run(false, chunks, packets + 1));
    guard.push(await run(true, chunks, packets + 1));
  }
  const b = median(bare);
  const g = median(guard);
  const mbps = (ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
  console.log(
    `${name} (${packet.length} B packets, ${packets} of them): parsed ${b.toFixed(0)} ms (${mbps(b)} MB/s of CPU), ` +
      `guarded and parsed ${g.toFixed(0)} ms (${mbps(g)} MB/s); ratio ${(g / b).toFixed(2)}, ` +
      `${(((g - b) / packets) * 1000).toFixed(3)} us more per packet`,
  );
}
