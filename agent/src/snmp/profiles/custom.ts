import type { CustomOid, Sample } from '@outpost/protocol';
import { type CounterReading, counterRate } from '../rates.js';
import { SnmpType, type SnmpVarbind } from '../types.js';
import { asBigInt, asNumber, asText, byInstance, isMissing } from '../values.js';
import { labelText, type Profile, type ProfileContext, push, sample, underAny } from './types.js';

/** Counter readings by `<name> <instance>`, kept between polls for rates. */
export type CustomState = Map<string, CounterReading>;

/** A number from a numeric varbind, or from text that is a number (`"23.5"`, as vendor MIBs often answer). */
export function numberOf(vb: SnmpVarbind | undefined): number | undefined {
  if (!vb || isMissing(vb)) return undefined;
  const n = asNumber(vb);
  if (n !== undefined) return n;
  const t = asText(vb)?.trim();
  if (!t || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** Device entries override site-wide ones of the same name; site-wide ones apply under their sys_object_id. */
export function customOidsFor(entries: readonly CustomOid[], sysObjectId: string | undefined): CustomOid[] {
  const byName = new Map<string, CustomOid>();
  for (const e of entries) {
    if (e.sys_object_id && !underAny(sysObjectId ?? '', [e.sys_object_id])) continue;
    if (!byName.has(e.name)) byName.set(e.name, e);
  }
  return [...byName.values()];
}

function value(
  e: CustomOid,
  vb: SnmpVarbind,
  instance: string | undefined,
  prev: CustomState | undefined,
  next: CustomState,
  ctx: ProfileContext,
): Sample | undefined {
  const labels = instance === undefined ? undefined : { index: instance };
  if (e.type === 'string') {
    const text = asText(vb) ?? numberOf(vb)?.toString();
    if (text === undefined || isMissing(vb)) return undefined;
    return sample(ctx, e.name, 1, e.unit, { ...labels, value: labelText(text) });
  }
  if (e.type === 'gauge') {
    const n = numberOf(vb);
    return n === undefined ? undefined : sample(ctx, e.name, n * e.scale, e.unit, labels);
  }
  const raw = asBigInt(vb) ?? (numberOf(vb) !== undefined ? BigInt(Math.trunc(numberOf(vb)!)) : undefined);
  if (raw === undefined) return undefined;
  const key = `${e.name} ${instance ?? ''}`;
  const cur = { value: raw, ts: ctx.now };
  next.set(key, cur);
  const r = counterRate({
    prev: prev?.get(key),
    cur,
    bits: vb.type === SnmpType.Counter64 ? 64 : 32,
    discontinuity: ctx.rebooted,
  });
  return r.ok ? sample(ctx, e.name, r.perSecond * e.scale, e.unit ?? 'per_s', labels) : undefined;
}

/**
 * The operator's own OIDs on one device (`custom_oids`, the device's and the site's): one GET for the fetched
 * ones, one walk per walked column. Samples are named by the entry; walked rows are labelled `index` (the OID
 * suffix), string values `value`.
 */
export function customProfile(entries: readonly CustomOid[]): Profile<CustomState> {
  const fetched = entries.filter((e) => !e.walk);
  const walked = entries.filter((e) => e.walk);
  return {
    name: 'custom',
    description: 'custom OIDs configured on the device or its site',
    applies: () => false,
    scalars: fetched.map((e) => e.oid),
    walks: Object.fromEntries(walked.map((e) => [e.name, e.oid])),
    collect({ scalars, walks }, prev, ctx) {
      const samples: Sample[] = [];
      const next: CustomState = new Map();
      for (const e of fetched) {
        const vb = scalars.get(e.oid);
        if (vb) push(samples, value(e, vb, undefined, prev, next, ctx));
      }
      for (const e of walked)
        for (const [instance, vb] of byInstance(walks.get(e.name), e.oid))
          push(samples, value(e, vb, instance, prev, next, ctx));
      return { samples, state: next };
    },
  };
}
