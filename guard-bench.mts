import { Duplex, PassThrough } from 'node:stream';
import mqttPacket from 'mqtt-packet';
import { GuardedConnection } from './hub/src/broker/socket-guard.js';
// A stream of PUBLISH packets (one 1,000-sample batch is ~20-60 KB) through the guard, as aedes reads it.
const pkt = mqttPacket.generate({ cmd: 'publish', topic: 'outpost/v1/agents/agent-0123456789abcdef/up/batch', payload: Buffer.alloc(30_000, 7), qos: 1, messageId: 1, retain: false, dup: false });
const connect = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'agent-0123456789abcdef', clean: false, keepalive: 30 });
const N = 20_000; // ~600 MB
async function run(guarded: boolean): Promise<number> {
  const src = new PassThrough();
  const conn: Duplex = guarded ? new GuardedConnection(src, { maxPacketBytes: 5 << 20, maxPreAuthBytes: 1 << 30 }, () => { throw new Error('cut'); }) : src;
  let got = 0;
  conn.on('readable', () => { let b; while ((b = conn.read()) !== null) got += b.length; });
  const t0 = process.cpuUsage();
  src.write(connect);
  for (let i = 0; i < N; i++) { if (!src.write(pkt)) await new Promise((r) => src.once('drain', r)); }
  await new Promise((r) => setImmediate(r));
  while (got < N * pkt.length) await new Promise((r) => setImmediate(r));
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1000;
}
const res: Record<string, number[]> = { raw: [], guard: [] };
for (let i = 0; i < 5; i++) { res.raw.push(await run(false)); res.guard.push(await run(true)); }
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`${N} packets of ${pkt.length} B: median CPU raw ${med(res.raw).toFixed(0)} ms, guarded ${med(res.guard).toFixed(0)} ms; per packet +${((med(res.guard) - med(res.raw)) / N * 1000).toFixed(2)} us`);
