import { z } from '@hono/zod-openapi';
import { PREVIEW_LIMITS, runPreview } from '../../alerts/preview-run.js';
import { ThresholdParams } from '../../alerts/rules/threshold.js';
import { SEVERITIES } from '../../alerts/types.js';
import { defineRoute } from '../access.js';
import { ApiError, issueDetails } from '../errors.js';
import { body, errors, iso, json, name } from '../schemas.js';
import type { RouteModule } from '../types.js';

const PreviewIn = z
  .object({
    name: name().default('Preview'),
    severity: z.enum(SEVERITIES).default('medium'),
    params: z.record(z.string(), z.unknown()).openapi({
      description: 'Threshold rule parameters, exactly as for POST /alert-rules',
      example: { metric: 'cpu_load', comparison: '>', threshold: 90, for_s: 300 },
    }),
    hours: z.number().int().min(1).max(168).default(24).openapi({ description: 'How far back to replay' }),
  })
  .strict()
  .openapi('AlertRulePreviewInput');

const EpisodeOut = z.object({
  key: z.string(),
  title: z.string(),
  message: z.string().optional(),
  device_id: z.number().int().optional(),
  camera_id: z.number().int().optional(),
  agent_id: z.string().optional(),
  site_id: z.number().int().optional(),
  opened_at: z.string(),
  resolved_at: z.string().nullable().openapi({ description: 'null: still open at the end' }),
  duration_s: z.number().int(),
});

const PreviewOut = z
  .object({
    from: z.string(),
    to: z.string(),
    fired: z.number().int().openapi({ description: 'How many times the alert would have opened' }),
    targets: z
      .number()
      .int()
      .openapi({ description: 'For how many devices, interfaces, ... it would have opened' }),
    open_at_end: z.number().int(),
    series: z.number().int().openapi({ description: 'Series of the metric replayed' }),
    samples: z.number().int(),
    truncated: z.boolean().openapi({
      description: `More than ${PREVIEW_LIMITS.series} series or ${PREVIEW_LIMITS.samples} samples: the counts cover only those read`,
    }),
    episodes: z
      .array(EpisodeOut)
      .openapi({ description: `The first ${PREVIEW_LIMITS.episodes}, oldest first` }),
  })
  .openapi('AlertRulePreview');

const metrics = defineRoute({
  method: 'get',
  path: '/alert-rules/metrics',
  access: 'viewer',
  site: 'refuse',
  tags: ['alerting'],
  summary: 'The metric names stored, for threshold rules (with unit and how many series report each)',
  responses: {
    200: json(
      z.object({
        metrics: z.array(
          z.object({ name: z.string(), unit: z.string().nullable(), series: z.number().int() }),
        ),
      }),
      'Every metric name',
    ),
    ...errors(401),
  },
});

const preview = defineRoute({
  method: 'post',
  path: '/alert-rules/preview',
  access: 'operator',
  site: 'refuse',
  tags: ['alerting'],
  summary:
    'How often a threshold rule would have fired over the last hours of stored data (the engine’s own evaluation, nothing is saved)',
  request: { body: body(PreviewIn) },
  responses: { 200: json(PreviewOut, 'The replay'), ...errors(400, 401, 403, 415) },
});

export const alertRulePreviewRoutes: RouteModule = {
  name: 'alert-rule-preview',
  register(app, hub) {
    app.openapi(metrics, async (c) => c.json({ metrics: await hub.store.series.metricNames() }, 200));

    app.openapi(preview, async (c) => {
      const b = c.req.valid('json');
      const parsed = ThresholdParams.safeParse(b.params);
      if (!parsed.success) {
        const details = issueDetails('json', parsed.error.issues).map((d) => ({
          ...d,
          path: d.path.replace(/^body/, 'body.params'),
        }));
        throw new ApiError(
          400,
          'validation_failed',
          `invalid rule parameters: ${details.map((d) => d.path).join(', ')}`,
          details,
        );
      }
      const to = hub.clock();
      const r = await runPreview(
        hub.store,
        { name: b.name, severity: b.severity, params: parsed.data },
        to - b.hours * 3600_000,
        to,
      );
      return c.json(
        {
          ...r,
          from: iso(r.from)!,
          to: iso(r.to)!,
          episodes: r.episodes.map((e) => ({
            ...e,
            opened_at: iso(e.opened_at)!,
            resolved_at: iso(e.resolved_at),
            duration_s: Math.round(((e.resolved_at ?? r.to) - e.opened_at) / 1000),
          })),
        },
        200,
      );
    });
  },
};
