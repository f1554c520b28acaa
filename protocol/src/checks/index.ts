import * as z from 'zod';
import { EntityId, Text } from '../messages/common.js';
import { registry } from '../registry.js';
import { dns } from './dns.js';
import { http } from './http.js';
import { icmp } from './icmp.js';
import { tcp } from './tcp.js';
import type { CheckKindSpec } from './types.js';

export { DNS_RECORD_TYPES } from './dns.js';
export { statusMatches } from './http.js';
export { type CheckKindSpec, type CheckMetric, defineCheckKind } from './types.js';

/** Every check kind the protocol defines: one file each, one line here (the agent runs each in agent/src/checks). */
export const CHECK_KINDS: ReadonlyMap<string, CheckKindSpec> = registry(
  'check kind',
  [icmp, tcp, http, dns] as CheckKindSpec[],
  (k) => k.kind,
);

export type CheckParams = {
  icmp: z.output<typeof icmp.params>;
  tcp: z.output<typeof tcp.params>;
  http: z.output<typeof http.params>;
  dns: z.output<typeof dns.params>;
};
export type CheckKindName = keyof CheckParams;

/**
 * One check the agent runs on a device (`down/config` `checks[]`). `kind` stays a string so that an agent meets a
 * kind added later with a clear `unknown_check_kind` error instead of refusing the whole config; the params of a
 * known kind must match its schema.
 */
export const CheckConfigSchema = z
  .object({
    id: EntityId,
    /** The device this check belongs to: its samples and state carry this id. */
    device_id: EntityId,
    name: Text(255).min(1),
    kind: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'kind must be lower-case letters, digits, "-" or "_"'),
    interval_s: z.int().min(5).max(86_400).default(60),
    /** The whole check (all echoes, all redirects) must finish within this. */
    timeout_ms: z.int().min(100).max(60_000).default(5_000),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .transform((c, ctx) => {
    const spec = CHECK_KINDS.get(c.kind);
    if (!spec) return c;
    const parsed = spec.params.safeParse(c.params);
    if (parsed.success) return { ...c, params: parsed.data as Record<string, unknown> };
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', path: ['params', ...issue.path], message: issue.message });
    return z.NEVER;
  });
export type CheckConfig = z.output<typeof CheckConfigSchema>;
export type CheckConfigInput = z.input<typeof CheckConfigSchema>;

/** A check's params typed by its kind (after `CheckConfigSchema` validated them). */
export function checkParams<K extends CheckKindName>(check: CheckConfig, kind: K): CheckParams[K] {
  if (check.kind !== kind) throw new Error(`check ${check.id} is a ${check.kind} check, not ${kind}`);
  return check.params as CheckParams[K];
}
