import { z } from '@hono/zod-openapi';
import type { HubContext } from '../../context.js';
import { labelsMatch } from '../../store/timeseries/labels.js';
import type { TargetKind } from '../../store/timeseries/types.js';
import { defineRoute } from '../access.js';
import { ApiError, notFound } from '../errors.js';
import { errors, IdParam, Instant, json } from '../schemas.js';
import { inCallerScope } from '../site-scope.js';
import type { RouteModule } from '../types.js';

/** More points than this in one series and the range is averaged into steps automatically. */
export const MAX_POINTS = 5000;
/** Points of one answer, all series together: with many series each gets fewer (never under 100). */
export const MAX_TOTAL_POINTS = 50_000;
/** Series one query may read; more (an unselective `labels`) is refused. */
export const MAX_SERIES = 100;

/** How far back the hub keeps samples or their rollups, plus a day for the retention pass not yet run. */
export function historyMs(hub: Pick<HubContext, 'config'>): number {
  return (Math.max(hub.config.retentionRawDays, hub.config.retentionRollupDays) + 1) * 86_400_000;
}

/**
 * Pure: the step (seconds) a query is read with, so that no series gets more than `perSeries` points: the asked
 * step when it is wide enough, else the smallest that is; without a step, none while the raw points fit.
 */
export function boundedStep(
  rangeMs: number,
  asked: number | null,
  rawMax: number | undefined,
  perSeries: number,
): number | null {
  const minimum = Math.max(1, Math.ceil(rangeMs / 1000 / perSeries));
  if (asked !== null) return Math.max(asked, minimum);
  return rawMax !== undefined && rawMax > perSeries ? minimum : null;
}
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
  .openapi('MetricPoints');
const MetricNames = z.array(
  z.object({ name: z.string(), unit: z.string().nullable(), labels: z.record(z.string(), z.string()) }),
);

/** What differs between the metrics routes of devices and cameras. */
export interface TargetMetrics {
  kind: Extract<TargetKind, 'device' | 'camera'>;
  /** Plural path segment and tag: `devices`, `cameras`. */
  plural: string;
  /** The target's site, or undefined when it does not exist. */
  siteOf(hub: HubContext, id: number): Promise<number | undefined>;
}

/**
 * `GET /{plural}/{id}/metrics`: the metric names of a target, or the points of one metric. Samples are read
 * through the time-series store, which averages into steps itself: a long range never returns (or, past the
 * head, decodes beyond its chunks) more than MAX_POINTS points per series.
 */
export function targetMetricsRoutes(t: TargetMetrics): RouteModule {
  const idKey = `${t.kind}_id`;
  const List = z
    .object({ [idKey]: z.number().int(), metrics: MetricNames })
    .openapi(`${t.kind === 'device' ? 'Device' : 'Camera'}MetricList`);
  const route = defineRoute({
    method: 'get',
    path: `/${t.plural}/{id}/metrics`,
    access: 'viewer',
    site: 'own',
    tags: [t.plural],
    summary: `Metric names of a ${t.kind}, or the points of one metric (raw or averaged into steps)`,
    description:
      `Without \`name\`: the metrics the ${t.kind} has. With \`name\`: points between \`from\` and \`to\` (ISO 8601 ` +
      'or epoch seconds; default the last 24 h; `from` starts at the oldest history the hub keeps at the earliest, ' +
      'retentionRollupDays), averaged into `step` when ' +
      `given (or when there would be more than ${MAX_POINTS} points). Every answer is bounded: a step too fine for ` +
      `the range is widened (\`step_s\` says the one used) so that a series has at most ${MAX_POINTS} points and all ` +
      `series together at most ${MAX_TOTAL_POINTS}. \`labels\` (key=value,...) selects among labelled series such ` +
      `as interfaces; at most ${MAX_SERIES} series per query.`,
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
    responses: { 200: json(z.union([List, MetricPoints]), 'Names or points'), ...errors(400, 401, 404) },
  });

  return {
    name: `${t.kind}-metrics`,
    register(app, hub) {
      app.openapi(route, async (c) => {
        const { id } = c.req.valid('param');
        const q = c.req.valid('query');
        const site = await t.siteOf(hub, id);
        // Another site's target is not found for a caller limited to some sites.
        if (site === undefined || !inCallerScope(c, site)) throw notFound(t.kind, id);
        const ts = hub.store.series;
        if (q.name === undefined) {
          const metrics = (await ts.listSeries(t.kind, String(id))).map((s) => ({
            name: s.metric,
            unit: s.unit,
            labels: s.labels,
          }));
          return c.json({ [idKey]: id, metrics } as z.infer<typeof List>, 200);
        }
        const to = q.to ?? hub.clock();
        const asked = q.from ?? to - 24 * 3600 * 1000;
        if (asked > to) {
          throw new ApiError(400, 'validation_failed', 'from must not be after to', [
            { path: 'query.from', message: 'after to' },
          ]);
        }
        // Nothing older than the history the hub keeps exists: the range starts there at the earliest, so that
        // a from of 1970 neither reads nor averages over decades (the answer's `from` says where it starts).
        const from = Math.max(asked, to - historyMs(hub));
        const series = (await ts.listSeries(t.kind, String(id), q.name)).filter((s) =>
          labelsMatch(s.labels, q.labels ?? {}),
        );
        if (series.length === 0) throw notFound(`metric ${q.name} of ${t.kind}`, id);
        if (series.length > MAX_SERIES) {
          throw new ApiError(
            400,
            'validation_failed',
            `${series.length} series match; at most ${MAX_SERIES}`,
            [
              {
                path: 'query.labels',
                message: `matches ${series.length} series: narrow it (at most ${MAX_SERIES})`,
              },
            ],
          );
        }
        // Every answer is bounded, with or without `step`: per series, and all series together.
        const perSeries = Math.max(100, Math.min(MAX_POINTS, Math.floor(MAX_TOTAL_POINTS / series.length)));
        let rawMax: number | undefined;
        if (q.step === undefined) {
          // Counted from chunk headers: whether raw points would exceed the bound, before reading any.
          const counts = await Promise.all(series.map((s) => ts.countPoints(s.id, from, to)));
          rawMax = Math.max(0, ...counts);
        }
        const stepS = boundedStep(to - from, q.step ?? null, rawMax, perSeries);
        const stepMs = stepS === null ? undefined : stepS * 1000;
        const all = await Promise.all(
          series.map(async (s) => ({ labels: s.labels, points: await ts.read(s.id, { from, to, stepMs }) })),
        );
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
}
