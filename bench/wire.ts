// `npm run bench:wire`, also the first part of `npm run bench:ingest`: bytes on the wire per sample and CPU per
// 1,000 samples of `up/batch`, JSON vs compact, for what the agent polls from Debian's Cisco 3750 recording
// (snmpsim). Prints figures; asserts nothing. Knobs: WIRE_DEVICES (20), WIRE_ROUNDS (3 polls of each device
// after the first, which has no rates yet), WIRE_GAP_MS (3000 between rounds), WIRE_REPEAT (5 timed rounds).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateRawSync } from 'node:zlib';
import {
  BatchSchema,
  COMPRESSIONS,
  type Compression,
  decode,
  encodeCompactBatch,
  type Sample,
  topics,
} from '@outpost/protocol';
import { createSnmpPoller, type PollResult } from '../agent/src/index.js';
import { encodeBatch } from '../agent/src/link/batch.js';
import { PROTOCOL_BATCH_LIMITS } from '../agent/src/outbox/index.js';
import { MemoryOutbox } from '../agent/src/outbox/memory.js';
import type { OutboxBatch } from '../agent/src/outbox/types.js';
import { CISCO_RECORDING, startSnmpsim } from '../test/support/snmpsim.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const DEVICES = env('WIRE_DEVICES', 20);
const ROUNDS = env('WIRE_ROUNDS', 3);
const GAP_MS = env('WIRE_GAP_MS', 3000);
const REPEAT = env('WIRE_REPEAT', 5);
/** 1,000 devices polled every 60 s, batched every second (`batch_max_delay_ms`): about 17 polls per batch. */
const POLLS_PER_SECOND = Math.round(1000 / 60);
const TOPIC = topics.batch('bench-agent');

/** IF-MIB octet counters (32 and 64-bit, in and out), whose rates the agent reports as bit rates. */
const OCTET_COUNTERS =
  /^(1\.3\.6\.1\.2\.1\.2\.2\.1\.(10|16)|1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.(6|10))\.(\d+)\|(65|70)\|(\d+)$/;

/**
 * The Cisco recording with its interfaces' octet counters moving (snmpsim's `numeric` variation: the value grows
 * by `rate` per second, with a jitter), so that the agent's bit rates and utilisations are the full-precision
 * floats a live switch gives instead of the zeros of a frozen recording. Error and discard counters stay still,
 * as on a healthy switch.
 */
function movingRecording(dir: string): string {
  const lines = gunzipSync(fs.readFileSync(CISCO_RECORDING)).toString('latin1').split('\n');
  const out = lines.map((line) => {
    const m = OCTET_COUNTERS.exec(line);
    if (!m) return line;
    const ifIndex = Number(m[4]);
    const out = m[2] === '16' || m[3] === '10' ? 1 : 0;
    // 1 to 500 kB/s per interface and direction (below the 10 Mb/s of the slowest port), the same for the
    // 32- and the 64-bit counter.
    const rate = 1_000 + ((ifIndex * 7_919 + out * 104_729) % 499_000);
    // wrap: a Counter32 wraps at 2^32 as a real one does (the agent counts the wrap).
    return `${m[1]}.${m[4]}|${m[5]}:numeric|initial=${m[6]},rate=${rate},deviation=${Math.floor(rate / 10)},wrap=1`;
  });
  const file = path.join(dir, 'cisco-moving.snmprec');
  fs.writeFileSync(file, out.join('\n'), { mode: 0o644 });
  return file;
}

/** Polls DEVICES simulated switches, a first round (no rates yet) then ROUNDS measured ones. */
async function pollRecording(recording: string): Promise<PollResult[]> {
  const sim = await startSnmpsim({ devices: DEVICES, processes: 2, recording });
  const poller = createSnmpPoller({ maxInFlight: 32 });
  try {
    const devices = sim.devices.map((d, i) => ({
      id: i + 1,
      name: d.community,
      ip_address: '127.0.0.1',
      port: d.port,
      snmp: { version: '2c' as const, community: d.community },
      poll_interval_s: 60,
      timeout_ms: 10_000,
      retries: 1,
      profiles: [],
    }));
    const polls: PollResult[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const results = await Promise.all(devices.map((d) => poller.poll(d)));
      if (round > 0) polls.push(...results);
      if (round < ROUNDS) await new Promise((r) => setTimeout(r, GAP_MS));
    }
    return polls;
  } finally {
    poller.close();
    await sim.stop();
  }
}

/** Batches as the agent's outbox makes them when `perBatch` polls wait for one send (0: as full as allowed). */
function batchesOf(polls: PollResult[], perBatch: number): OutboxBatch[] {
  const outbox = new MemoryOutbox({ maxBytes: 1 << 30 });
  const out: OutboxBatch[] = [];
  const step = perBatch === 0 ? polls.length : perBatch;
  for (let i = 0; i < polls.length; i += step) {
    const group = polls.slice(i, i + step);
    if (perBatch > 0 && group.length < step) break; // only whole groups
    for (const p of group) outbox.append(p.samples, p.events, Date.now());
    for (let b = outbox.claimBatch(PROTOCOL_BATCH_LIMITS, Date.now()); b; ) {
      out.push(b);
      outbox.ack(b.seq);
      b = outbox.claimBatch(PROTOCOL_BATCH_LIMITS, Date.now());
    }
  }
  return out;
}

/** Median CPU milliseconds (user + system) of one call of `f`, over REPEAT timed calls after a warm-up. */
function cpuMs(f: () => void): number {
  const rounds: number[] = [];
  f();
  for (let r = 0; r < REPEAT; r++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    rounds.push((c.user + c.system) / 1000);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
}

interface Shape {
  name: string;
  batches: OutboxBatch[];
  samples: number;
}

const OPTIONS: { label: string; compression: Compression; level?: number }[] = [
  { label: 'brotli 5 (default)', compression: 'brotli' },
  { label: 'deflate-raw 6', compression: 'deflate-raw' },
  { label: 'brotli 11', compression: 'brotli', level: 11 },
  { label: 'none', compression: 'none' },
];

function message(b: OutboxBatch) {
  return { v: 1 as const, seq: b.seq, sent_at: b.sentAt, samples: b.samples, events: b.events };
}

function compact(b: OutboxBatch, o: (typeof OPTIONS)[number]): Uint8Array {
  const r = encodeCompactBatch(message(b), { compression: o.compression, level: o.level });
  if (!r.ok) throw new Error(r.error.message);
  return r.bytes;
}

function bytesTable(shapes: Shape[]): string[] {
  const head = `| batch | samples | JSON | ${OPTIONS.map((o) => `compact ${o.label}`).join(' | ')} | JSON / compact |`;
  const rows = shapes.map((s) => {
    const json = s.batches.reduce((n, b) => n + encodeBatch(b, Date.now(), 'json').bytes.length, 0);
    const sizes = OPTIONS.map((o) => s.batches.reduce((n, b) => n + compact(b, o).length, 0));
    const per = (n: number) => (n / s.samples).toFixed(2);
    return `| ${s.name} | ${s.samples.toLocaleString('en-US')} | ${per(json)} | ${sizes.map(per).join(' | ')} | ${(json / sizes[0]!).toFixed(1)}x |`;
  });
  return [head, `|${' --- |'.repeat(4 + OPTIONS.length)}`, ...rows];
}

function cpuLines(s: Shape): string[] {
  const perK = (ms: number) => `${((ms / s.samples) * 1000).toFixed(3)} ms`;
  const json = s.batches.map((b) => encodeBatch(b, Date.now(), 'json').bytes);
  const texts = json.map((b) => Buffer.from(b).toString());
  const packed = OPTIONS.map((o) => s.batches.map((b) => compact(b, o)));
  const decodeAll = (payloads: Uint8Array[]) => () => {
    for (const p of payloads) if (!decode(TOPIC, p).ok) throw new Error('a batch did not decode');
  };
  const schema = cpuMs(() => {
    for (const t of texts) if (!BatchSchema.safeParse(JSON.parse(t)).success) throw new Error('schema');
  });
  const parseOnly = cpuMs(() => {
    for (const t of texts) JSON.parse(t);
  });
  const jsonNow = cpuMs(decodeAll(json));
  const compactMs = packed.map((p) => cpuMs(decodeAll(p)));
  // Decompression alone (the rest is reading columns, checking fields and building the samples).
  const body = (p: Uint8Array) => p.subarray(5 + (p[5]! < 0x80 ? 1 : p[6]! < 0x80 ? 2 : 3));
  const inflate = (o: (typeof OPTIONS)[number], ps: Uint8Array[]) =>
    cpuMs(() => {
      for (const p of ps)
        if (o.compression === 'brotli') brotliDecompressSync(body(p));
        else if (o.compression === 'deflate-raw') inflateRawSync(body(p));
    });
  const encodeJson = cpuMs(() => {
    for (const b of s.batches) encodeBatch(b, Date.now(), 'json');
  });
  const encodeCompact = cpuMs(() => {
    for (const b of s.batches) encodeBatch(b, Date.now(), 'compact');
  });
  return [
    `hub decode, ${s.name}: JSON through the schema alone (before) ${perK(schema)} (JSON.parse ${perK(parseOnly)}), JSON now ${perK(jsonNow)}, ${OPTIONS.map((o, i) => `compact ${o.label} ${perK(compactMs[i]!)}${o.compression === 'none' ? '' : ` (decompression ${perK(inflate(o, packed[i]!))})`}`).join(', ')}`,
    `agent encode, ${s.name} (check + encode + compress): JSON ${perK(encodeJson)}, compact ${perK(encodeCompact)}`,
  ];
}

function describePolls(polls: PollResult[]): string {
  const samples = polls.reduce((n, p) => n + p.samples.length, 0);
  const kinds = new Map<string, number>();
  for (const p of polls)
    for (const s of p.samples as Sample[]) {
      const kind = Number.isInteger(s.value) ? 'integers' : 'fractions';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  return `${polls.length} polls, ${samples.toLocaleString('en-US')} samples (${Math.round(samples / polls.length)} per poll; ${[...kinds].map(([k, n]) => `${Math.round((n / samples) * 100)}% ${k}`).join(', ')}), ${polls.reduce((n, p) => n + p.events.length, 0)} events`;
}

async function main() {
  const started = Date.now();
  console.log('# outpost wire benchmark: up/batch, JSON vs compact');
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-wire-'));
  fs.chmodSync(dir, 0o755);
  try {
    const variants = [
      {
        name: 'octet counters moving (snmpsim numeric variation)',
        recording: movingRecording(dir),
        cpu: true,
      },
      { name: 'as recorded (counters frozen: every rate 0)', recording: CISCO_RECORDING, cpu: false },
    ];
    for (const v of variants) {
      const polls = await pollRecording(v.recording);
      console.log(
        `\n## Cisco 3750 recording, ${v.name}: ${DEVICES} simulated switches, ${describePolls(polls)}`,
      );
      const shapes: Shape[] = [
        { name: '1 poll per batch', perBatch: 1 },
        {
          name: `${POLLS_PER_SECOND} polls per batch (1,000 devices every 60 s)`,
          perBatch: POLLS_PER_SECOND,
        },
        { name: 'full batches (a backlog)', perBatch: 0 },
      ].map((x) => {
        const batches = batchesOf(polls, x.perBatch);
        return { name: x.name, batches, samples: batches.reduce((n, b) => n + b.samples.length, 0) };
      });
      console.log('\nbytes on the wire per sample (MQTT payload):\n');
      console.log(bytesTable(shapes).join('\n'));
      if (!v.cpu) continue;
      console.log(
        `\nCPU per 1,000 samples (user + system, median of ${REPEAT} runs over all the batches of a row):`,
      );
      for (const s of shapes) console.log(cpuLines(s).join('\n'));
    }
    console.log(
      `\ncompressions available: ${COMPRESSIONS.join(', ')}; total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
