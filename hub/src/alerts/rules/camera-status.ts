import * as z from 'zod';
import { cameraKey, type RuleKind, type Severity } from '../types.js';
import { observe, tickPending } from './condition.js';

const Params = z
  .object({
    /** How long the camera must stay in the status before the alert opens. */
    for_s: z.number().int().min(0).max(86_400),
  })
  .strict();

/**
 * The shape shared by the camera rule kinds: the alert holds while the camera's reported status is `status`
 * and clears on any other status (a camera going from degraded to unreachable moves to the other alert).
 */
export function cameraStatusRule(opts: {
  name: string;
  status: string;
  description: string;
  severity: Severity;
  forS: number;
  title: (id: number) => string;
}): RuleKind<z.infer<typeof Params>> {
  const params = Params.extend({ for_s: Params.shape.for_s.default(opts.forS) }).strict();
  return {
    name: opts.name,
    description: opts.description,
    builtin: true,
    defaultSeverity: opts.severity,
    params,
    evaluate(state, input, now, rule) {
      const forMs = rule.params.for_s * 1000;
      if (input.kind === 'tick') return tickPending(state, now, forMs);
      if (input.kind !== 'camera.status') return { state, actions: [] };
      const key = cameraKey(input.camera_id);
      return observe(
        state,
        {
          key,
          holds: input.status === opts.status,
          ts: input.ts,
          target: { key, camera_id: input.camera_id, site_id: input.site_id },
          title: opts.title(input.camera_id),
          message: input.reason,
        },
        forMs,
      );
    },
  };
}
