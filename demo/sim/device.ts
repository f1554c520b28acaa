import dgram from 'node:dgram';
import snmp from 'net-snmp';
import { type SimInterface, tickInterfaces } from './mib.js';
import type { Agent, Mib } from './net-snmp-agent.js';

/** What a simulated device kind provides: its MIB, interfaces to move, and demo metadata. */
export interface DeviceKind {
  kind: 'switch' | 'router' | 'access_point' | 'ups' | 'printer';
  name: string;
  vendor: string;
  /** Fills the MIB; returns the interfaces whose counters move each tick. */
  build(mib: Mib, bootedAt: () => number): SimInterface[];
}

/** A simulated SNMP v2c device on 127.0.0.1, which can be taken down and brought back. */
export interface SimulatedDevice {
  kind: DeviceKind['kind'];
  name: string;
  vendor: string;
  host: string;
  port: number;
  community: string;
  isUp(): boolean;
  /** Stops answering (the UDP socket closes) until `up()`. */
  down(): Promise<void>;
  /** Sets one interface's link (ifOperStatus) up or down; false when there is no such interface. */
  setLink(ifIndex: number, up: boolean): boolean;
  up(): Promise<void>;
  stop(): Promise<void>;
}

async function freeUdpPort(host: string): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Starts one simulated device; its counters advance once a second. */
export async function startSimulatedDevice(
  spec: DeviceKind,
  opts: { community: string; host?: string; port?: number },
): Promise<SimulatedDevice> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freeUdpPort(host));
  const bootedAt = Date.now() - 3_600_000 * (24 + Math.floor(Math.random() * 500));
  let agent: Agent | null = null;
  let mib: Mib | null = null;
  let interfaces: SimInterface[] = [];

  const open = () => {
    const created: Agent = snmp.createAgent(
      { port, address: host, disableAuthorization: false },
      () => {},
      mib ?? undefined,
    );
    created.getAuthorizer().addCommunity(opts.community);
    agent = created;
    if (!mib) {
      mib = created.getMib();
      interfaces = spec.build(mib, () => bootedAt);
    }
  };
  const close = () =>
    new Promise<void>((resolve) => {
      const a = agent;
      agent = null;
      if (!a) return resolve();
      try {
        a.close(() => resolve());
      } catch {
        resolve(); // the socket is already gone
      }
      setTimeout(resolve, 200).unref();
    });

  open();
  const timer = setInterval(() => {
    if (mib) tickInterfaces(mib, interfaces, 1);
  }, 1_000);
  timer.unref();

  return {
    kind: spec.kind,
    name: spec.name,
    vendor: spec.vendor,
    host,
    port,
    community: opts.community,
    isUp: () => agent !== null,
    down: close,
    setLink(ifIndex, up) {
      const i = interfaces.find((x) => x.index === ifIndex);
      if (!i) return false;
      i.operUp = up;
      if (mib) tickInterfaces(mib, interfaces, 0);
      return true;
    },
    up: async () => {
      if (!agent) open();
    },
    stop: async () => {
      clearInterval(timer);
      await close();
    },
  };
}
