/**
 * How one hub event travels between hubs as NOTIFY messages (pure; cluster/relay.ts does the I/O). An event
 * is JSON with every non-ASCII character escaped (so that a character is a byte), cut into pieces that fit one
 * notification, each behind a header line: `v1 <origin> <id> <index> <count> <name>`. The origin names the hub
 * process that sent it (a hub skips its own); the id numbers its events, so pieces of one event are put back
 * together whatever arrives between them.
 */

export interface Piece {
  origin: string;
  id: number;
  index: number;
  count: number;
  name: string;
  body: string;
}

/** JSON in which every character is one byte: non-ASCII characters as `\uXXXX` escapes (valid JSON). */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The messages carrying one event, each at most `maxBytes` (header included). */
export function encodeEvent(
  origin: string,
  id: number,
  name: string,
  payload: unknown,
  maxBytes: number,
): string[] {
  if (!/^[A-Za-z0-9_-]+$/.test(origin))
    throw new Error(`event origin ${origin}: letters, digits, _ and - only`);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`event name ${name}: letters, digits, _ . and - only`);
  const json = asciiJson(payload);
  // The header's widest form for this event: count and index are at most the body's length.
  const room = maxBytes - `v1 ${origin} ${id} ${json.length} ${json.length} ${name}\n`.length;
  if (room < 64) throw new Error(`a notification of ${maxBytes} bytes has no room for event ${name}`);
  const count = Math.max(1, Math.ceil(json.length / room));
  const out: string[] = [];
  for (let i = 0; i < count; i++)
    out.push(`v1 ${origin} ${id} ${i} ${count} ${name}\n${json.slice(i * room, (i + 1) * room)}`);
  return out;
}

/** One message read back into its piece, or the reason it is not one. */
export function parsePiece(message: string): Piece | { error: string } {
  const nl = message.indexOf('\n');
  if (nl < 0) return { error: 'no header line' };
  const head = message.slice(0, nl).split(' ');
  if (head.length !== 6 || head[0] !== 'v1')
    return { error: `unknown header ${message.slice(0, Math.min(nl, 80))}` };
  const [, origin, id, index, count, name] = head as [string, string, string, string, string, string];
  const n = { id: Number(id), index: Number(index), count: Number(count) };
  if (!Number.isSafeInteger(n.id) || !Number.isSafeInteger(n.index) || !Number.isSafeInteger(n.count))
    return { error: `header numbers ${id} ${index} ${count}` };
  if (n.count < 1 || n.index < 0 || n.index >= n.count) return { error: `piece ${index} of ${count}` };
  return { origin, ...n, name, body: message.slice(nl + 1) };
}

/**
 * Puts pieces back into events. Pieces of one event arrive in order (one transaction's notifications are
 * delivered together, in order), but events of several hubs interleave. An event whose pieces stop coming
 * (its sender died mid-send) is dropped once `staleMs` passes.
 */
export class Reassembly {
  readonly #open = new Map<string, { parts: string[]; name: string; count: number; at: number }>();

  constructor(private readonly staleMs = 60_000) {}

  /** The event this piece completes, if any; an error for a piece that does not fit what came before. */
  add(p: Piece, now: number): { name: string; payload: unknown } | { error: string } | undefined {
    for (const [key, o] of this.#open) if (now - o.at > this.staleMs) this.#open.delete(key);
    if (p.count === 1) return this.#parse(p.name, p.body);
    const key = `${p.origin} ${p.id}`;
    const o = this.#open.get(key);
    if (p.index === 0) {
      this.#open.set(key, { parts: [p.body], name: p.name, count: p.count, at: now });
      return undefined;
    }
    if (!o || o.parts.length !== p.index || o.count !== p.count || o.name !== p.name) {
      this.#open.delete(key);
      return { error: `piece ${p.index} of ${p.count} of event ${p.id} from ${p.origin} out of order` };
    }
    o.parts.push(p.body);
    if (o.parts.length < o.count) return undefined;
    this.#open.delete(key);
    return this.#parse(o.name, o.parts.join(''));
  }

  /** Events waiting for more pieces. */
  get pending(): number {
    return this.#open.size;
  }

  #parse(name: string, body: string): { name: string; payload: unknown } | { error: string } {
    try {
      return { name, payload: JSON.parse(body) };
    } catch (err) {
      return { error: `event ${name}: ${(err as Error).message}` };
    }
  }
}
