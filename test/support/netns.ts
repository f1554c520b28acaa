// A network namespace for tests that need an address that does not answer (every 127.0.0.0/8 address answers
// ping on Linux). The test's own veth pair carries a private /24 that exists only between this host's end and
// the namespace: `answering` is the namespace's end, `silent` an address in that /24 that no one holds. No test
// traffic ever leaves loopback and this pair. Needs root (CI runs as root) and iproute2.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TestNetns {
  name: string;
  /** This host's end of the veth pair. */
  hostAddress: string;
  /** The namespace's end: answers ping. */
  answering: string;
  /** In the /24, held by no one: echo requests go unanswered. */
  silent: string;
  /** The /24's first three octets (`10.203.7`). */
  net: string;
  /** Gives the namespace's end one more address of the /24 (`${net}.N`). */
  addAddress(address: string): void;
  /** Runs a command inside the namespace. */
  exec(cmd: string, args: string[]): string;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** Why a namespace cannot be made here, or null when it can (root and `ip`). */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create a network namespace';
  try {
    ip('netns', 'list');
    return null;
  } catch (err) {
    return `ip netns does not work here: ${(err as Error).message}`;
  }
}

/** Creates the namespace, its veth pair and a random private /24 in 10.200.0.0/13. */
export function createTestNetns(): TestNetns {
  const id = randomBytes(3).toString('hex');
  const name = `outpost-${id}`;
  const outer = `op${id}o`;
  const inner = `op${id}i`;
  const b = randomBytes(2);
  const net = `10.${200 + (b[0]! % 8)}.${b[1]}`;
  const t: TestNetns = {
    name,
    hostAddress: `${net}.1`,
    answering: `${net}.2`,
    silent: `${net}.3`,
    net,
    addAddress: (address) => void t.exec('ip', ['addr', 'add', `${address}/24`, 'dev', inner]),
    exec: (cmd, args) =>
      execFileSync('ip', ['netns', 'exec', name, cmd, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString(),
    remove() {
      try {
        ip('link', 'del', outer);
      } catch {}
      try {
        ip('netns', 'del', name);
      } catch {}
    },
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `${t.hostAddress}/24`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    t.exec('ip', ['addr', 'add', `${t.answering}/24`, 'dev', inner]);
    t.exec('ip', ['link', 'set', inner, 'up']);
    t.exec('ip', ['link', 'set', 'lo', 'up']);
  } catch (err) {
    t.remove();
    throw err;
  }
  return t;
}
