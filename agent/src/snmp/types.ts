import type { SnmpCredentials } from '@outpost/protocol';

/** ASN.1 / SMI types of a varbind, as net-snmp numbers them. */
export const SnmpType = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

/**
 * One variable binding as the transport returns it. Values are left as net-snmp decodes them (OCTET STRING and
 * Counter64 as Buffer) so that the hot path copies nothing; `values.ts` converts them.
 */
export interface SnmpVarbind {
  oid: string;
  type?: number;
  value?: unknown;
}

/** Where and how to reach one device; `id` keys its session. */
export interface SnmpTarget {
  id: string;
  host: string;
  port: number;
  credentials: SnmpCredentials;
  timeoutMs: number;
  retries: number;
}

export interface WalkOptions {
  /** Stop after this many varbinds (the walk then reports `truncated`). */
  maxRows?: number;
  signal?: AbortSignal;
  /** Expected number of varbinds in the subtree: lets a column walk ask for just enough repetitions. */
  expectedRows?: number;
}

export interface WalkStats {
  varbinds: number;
  requests: number;
  truncated: boolean;
}

/**
 * The narrow interface between polling logic and the network (like snmp_exporter's SNMPScraper).
 * Requests resolve with varbinds or reject with an `SnmpError`.
 */
export interface SnmpTransport {
  /** GET of scalars; a missing object comes back as a NoSuchObject/NoSuchInstance varbind, not an error. */
  get(target: SnmpTarget, oids: string[]): Promise<SnmpVarbind[]>;
  /** Walks the subtree under `oid` (GETBULK, or GETNEXT for v1), feeding varbinds in order, batch by batch. */
  walk(
    target: SnmpTarget,
    oid: string,
    onVarbinds: (varbinds: SnmpVarbind[]) => void,
    options?: WalkOptions,
  ): Promise<WalkStats>;
  /**
   * Whether any SNMP engine answers at the target's address, without its credentials: SNMPv3 engine discovery
   * (RFC 3414 4), which agents answer with a report before any authentication. Sends no community or key.
   * Optional: a transport without it gives no diagnosis of timeouts.
   */
  probeEngine?(target: SnmpTarget): Promise<boolean>;
  /** Closes the session of one device (it left the config or its settings changed). */
  forget(id: string): void;
  /** Closes every session. */
  close(): void;
}
