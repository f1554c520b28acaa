import * as z from 'zod';
import { type RuleKind, ref } from '../types.js';
import { observe } from './condition.js';

const Params = z
  .object({
    /** Alert when fewer days than this are left. */
    days: z.number().min(0).max(365).default(14),
  })
  .strict();

/** The certificate an HTTPS check found expires soon (or has expired). */
export const tlsCertExpiry: RuleKind<z.infer<typeof Params>> = {
  name: 'tls-cert-expiry',
  description: 'The TLS certificate of a web page (an https check) expires within the given number of days.',
  builtin: true,
  defaultSeverity: 'medium',
  params: Params,
  sampleMetrics: () => ['tls_cert_days_left'],
  evaluate(state, input, _now, rule) {
    if (input.kind !== 'sample') return { state, actions: [] };
    const s = input.sample;
    if (s.metric !== 'tls_cert_days_left' || s.device_id === undefined) return { state, actions: [] };
    const check = s.labels?.check_id ?? '';
    const key = `device:${s.device_id}:check:${check}`;
    const days = s.value;
    return observe(
      state,
      {
        key,
        holds: days < rule.params.days,
        ts: s.ts,
        target: { key, device_id: s.device_id, site_id: input.site_id, agent_id: input.agent_id },
        title: `TLS certificate of ${s.labels?.check ?? `check ${check}`} on ${ref('device', s.device_id)} expires soon`,
        message: days < 0 ? `expired ${(-days).toFixed(1)} days ago` : `${days.toFixed(1)} days left`,
      },
      0,
    );
  },
};
