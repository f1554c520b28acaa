import { topics } from '@outpost/protocol';
import type { MqttClient } from 'mqtt';
import { connectAgent } from '../../test/support/link.js';
import { AgentBatches, selfCheck } from '../ingest/compact-load.js';
import type { FleetAgent } from './stack.js';

export interface LoadOptions {
  /** Most batches an agent has sent and not seen acknowledged (the agent's link_max_in_flight). */
  window: number;
  /** Re-send every unacknowledged batch when none was acknowledged for this long (the agent's ack_timeout_ms). */
  ackTimeoutMs: number;
  /** Timestamp of the first poll. */
  t0: number;
}

/** One acknowledged batch: when its ack arrived (performance.now()), its samples, first send -> ack. */
export interface Ack {
  at: number;
  samples: number;
  latencyMs: number;
}

/**
 * A simulated agent as the agent's forwarder behaves on the wire: compact batches (the ingest benchmark's
 * fleet), QoS 1, at most `window` unacknowledged, every unacknowledged batch sent again after `ackTimeoutMs`
 * without progress. Only `down/ack` moves its window: the hub also publishes the site's config (retained) on
 * `down/config`, which carries no `upTo`.
 */
export class SimAgent {
  upTo = 0;
  seq = 0;
  resent = 0;
  /** When (performance.now()) each wave of re-sends left. */
  readonly resends: number[] = [];
  readonly acks: Ack[] = [];
  readonly #inFlight = new Map<
    number,
    { firstAt: number; lastAt: number; samples: number; payload: Buffer }
  >();
  readonly #batches: AgentBatches;
  readonly #sizes: number[];
  #lastProgress = performance.now();
  #wake: (() => void) | undefined;
  #stopped = false;

  private constructor(
    readonly id: string,
    private readonly client: MqttClient,
    fleet: FleetAgent,
    private readonly o: LoadOptions,
    seed: number,
  ) {
    this.#batches = new AgentBatches(fleet.groups, o.t0, seed);
    this.#sizes = this.#batches.sizes;
    const ackTopic = topics.ack(fleet.id);
    client.on('message', (topic, payload) => {
      if (topic !== ackTopic) return;
      this.#onAck((JSON.parse(payload.toString()) as { upTo: number }).upTo);
    });
  }

  static async connect(fleet: FleetAgent, o: LoadOptions, seed: number): Promise<SimAgent> {
    const client = await connectAgent(fleet.url, fleet.id, fleet.secret, { reconnectPeriod: 500 });
    const agent = new SimAgent(fleet.id, client, fleet, o, seed);
    await client.subscribeAsync(topics.downFilter(fleet.id), { qos: 1 });
    return agent;
  }

  #onAck(upTo: number): void {
    if (!Number.isInteger(upTo)) throw new Error(`agent ${this.id}: an ack without an integer upTo: ${upTo}`);
    const now = performance.now();
    for (let s = this.upTo + 1; s <= upTo; s++) {
      const b = this.#inFlight.get(s);
      if (!b) continue;
      this.acks.push({ at: now, samples: b.samples, latencyMs: now - b.firstAt });
      this.#inFlight.delete(s);
    }
    if (upTo > this.upTo) {
      this.upTo = upTo;
      this.#lastProgress = now;
    }
    this.#wake?.();
  }

  /** Sends until `stop()`: new batches while the window has room, re-sends on ack timeout. */
  async drive(): Promise<void> {
    while (!this.#stopped) {
      if (this.seq - this.upTo < this.o.window) {
        this.seq++;
        const check = this.seq <= 2;
        const built = this.#batches.next(this.seq, check);
        if (check) selfCheck(this.seq, built);
        const now = performance.now();
        const samples = this.#sizes[(this.seq - 1) % this.#sizes.length] as number;
        this.#inFlight.set(this.seq, { firstAt: now, lastAt: now, samples, payload: built.payload });
        this.client.publish(topics.batch(this.id), built.payload, { qos: 1 });
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
      this.#wake = undefined;
      const now = performance.now();
      if (this.#inFlight.size === 0 || now - this.#lastProgress < this.o.ackTimeoutMs) continue;
      const oldest = Math.min(...[...this.#inFlight.values()].map((b) => b.lastAt));
      if (now - oldest < this.o.ackTimeoutMs) continue;
      this.#lastProgress = now;
      this.resends.push(now);
      // In seq order (the map keeps the order of insertion), as the agent re-sends its outbox.
      for (const b of this.#inFlight.values()) {
        b.lastAt = now;
        this.resent++;
        this.client.publish(topics.batch(this.id), b.payload, { qos: 1 });
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  async close(): Promise<void> {
    this.stop();
    await this.client.endAsync(true).catch(() => undefined);
  }
}
