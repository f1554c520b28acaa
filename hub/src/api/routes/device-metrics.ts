import { z } from '@hono/zod-openapi';
import { getDevice } from '../../store/devices.js';
import { labelsMatch, listSeries, readPoints } from '../../store/series.js';
import { defineRoute } from '../access.js';
import { ApiError, notFound } from '../errors.js';
import { errors, IdParam, Instant, json } from '../schemas.js';
import type { RouteModule } from '../types.js';

const MAX_POINTS = 5000;
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `300`, `30s`, `5m`, `1h`, `1d` -> seconds. */
export const Step = z
  .string()
  .regex(/^\d+[smhd]?$/, 'seconds, or a number with s, m, h or d')
  .transform((v) => {
    const unit = /[smhd]$/.test(v) ? (v.slice(-1) as keyof typeof UNITS) : 's';
    return Number.parseInt(v, 10) * (UNITS[unit] ?? 1);
  })
  .refine((s) => s >= 1 && s <= 31 * 86_400, 'must be between 1 s and 31 d');

/** `ifName=Gi0/1,dir=in` -> {ifName: 'Gi0/1', dir: 'in'}. */
const Labels = z
  .string()
  .max(500)
  .transform((v, ctx) => {
    const out: Record<string, string> = {};
    for (const pair of v.split(',').filter(Boolean)) {
      const i = pair.indexOf('=');
      if (i <= 0) {
        ctx.addIssue({ code: 'custom', message: 'must be key=value pairs separated by commas' });
        return z.NEVER;
      }
      out[pair.slice(0, i)] = pair.slice(i + 1);
    }
    return out;
  });

const PointSchema = z.object({ t: z.number().openapi({ description: 'epoch milliseconds' }), v: z.number() });
const MetricList = z
  .object({
    device_id: z.number().int(),
    metrics: z.array(
      z.object({ name: z.string(), unit: z.string().nullable(), labels: z.record(z.string(), z.string()) }),
    ),
  })
  .openapi('DeviceMetricList');
const MetricPoints = z
  .object({
    name: z.string(),
    unit: z.string().nullable(),
    from: z.number(),
    to: z.number(),
    step_s: z.number().nullable(),
    points: z
      .array(PointSchema)
      .openapi({ description: 'The first matching series (the unlabelled one if any)' }),
    series: z.array(z.object({ labels: z.record(z.string(), z.string()), points: z.array(PointSchema) })),
  })
  .openapi('DeviceMetricPoints');

const route = defineRoute({
  method: 'get',
  path: '/devices/{id}/metrics',
  access: 'viewer',
  tags: ['devices'],
  summary: 'Metric names of a device, or the points of one metric (raw or averaged into steps)',
  description:
    'Without `name`: the metrics the device has. With `name`: points between `from` and `to` (ISO 8601 or epoch ' +
    'seconds; default the last 24 h), averaged into `step` when given (or when there would be more than ' +
    `${MAX_POINTS} points). \`labels\` (key=value,...) selects among labelled series such as interfaces.`,
  request: {
    params: IdParam,
    query: z
      .object({
        name: z.string().max(128).optional(),
        from: Instant.optional(),
        to: Instant.optional(),
        step: Step.optional().openapi({ type: 'string', example: '5m' }),
        labels: Labels.optional().openapi({ type: 'string', example: 'ifName=Gi0/1' }),
      })
      .strict(),
  },
  responses: { 200: json(z.union([MetricList, MetricPoints]), 'Names or points'), ...errors(400, 401, 404) },
});

export const deviceMetricsRoutes: RouteModule = {
  name: 'device-metrics',
  register(app, hub) {
    app.openapi(route, (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      if (!getDevice(hub.db, id)) throw notFound('device', id);
      if (q.name === undefined) {
        const metrics = listSeries(hub.db, 'device', id).map((s) => ({
          name: s.metric,
          unit: s.unit,
          labels: s.labels,
        }));
        return c.json({ device_id: id, metrics }, 200);
      }
      const to = q.to ?? hub.clock();
      const from = q.from ?? to - 24 * 3600 * 1000;
      if (from > to) {
        throw new ApiError(400, 'validation_failed', 'from must not be after to', [
          { path: 'query.from', message: 'after to' },
        ]);
      }
      const series = listSeries(hub.db, 'device', id, q.name).filter((s) =>
        labelsMatch(s.labels, q.labels ?? {}),
      );
      if (series.length === 0) throw notFound(`metric ${q.name} of device`, id);
      let stepS = q.step ?? null;
      const read = (sid: number) => readPoints(hub.db, sid, from, to, stepS ? stepS * 1000 : undefined);
      let all = series.map((s) => ({ labels: s.labels, points: read(s.id) }));
      if (!stepS && all.some((s) => s.points.length > MAX_POINTS)) {
        stepS = Math.ceil((to - from) / 1000 / MAX_POINTS);
        all = series.map((s) => ({ labels: s.labels, points: read(s.id) }));
      }
      const primary = all.find((s) => Object.keys(s.labels).length === 0) ?? all[0];
      return c.json(
        {
          name: q.name,
          unit: series[0]?.unit ?? null,
          from,
          to,
          step_s: stepS,
          points: primary?.points ?? [],
          series: all,
        },
        200,
      );
    });
  },
};
