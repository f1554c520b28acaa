import type { Repositories } from '../store/port.js';
import type { SeriesInfo } from '../store/timeseries/types.js';
import { renderRefs } from './names.js';
import { type Episode, type ReplaySeries, replayRule } from './preview.js';
import { type ThresholdParams, threshold } from './rules/threshold.js';
import type { Severity } from './types.js';

/** Bounds of one preview: series read and samples replayed (beyond them the result says `truncated`). */
export const PREVIEW_LIMITS = { series: 500, samples: 2_000_000, episodes: 200 } as const;

export interface PreviewRun {
  from: number;
  to: number;
  series: number;
  samples: number;
  truncated: boolean;
  /** How many times the alert would have opened. */
  fired: number;
  /** Distinct targets (device, interface, ...) it would have opened for. */
  targets: number;
  /** Still open at `to`. */
  open_at_end: number;
  /** The first PREVIEW_LIMITS.episodes, oldest first, with names rendered. */
  episodes: Episode[];
}

/** The site (and device type) of a series' target, or null when the target no longer exists. */
async function targetFacts(
  store: Pick<Repositories, 'devices' | 'cameras' | 'agents'>,
  s: SeriesInfo,
): Promise<{ site_id: number; device_type?: string } | null> {
  if (s.kind === 'device') {
    const d = await store.devices.get(Number(s.target));
    return d ? { site_id: d.site_id, ...(d.device_type ? { device_type: d.device_type } : {}) } : null;
  }
  if (s.kind === 'camera') {
    const c = await store.cameras.get(Number(s.target));
    return c ? { site_id: c.site_id } : null;
  }
  const a = await store.agents.get(s.target);
  return a ? { site_id: a.site_id } : null;
}

/**
 * How often a threshold rule would have fired over [from, to]: the stored samples of its metric replayed
 * through the alert engine's own rule kind (see replayRule). Reads raw samples; where they have been pruned
 * the 5-minute rollup averages stand in for them.
 */
export async function runPreview(
  store: Pick<Repositories, 'devices' | 'cameras' | 'sites' | 'agents' | 'series'>,
  rule: { name: string; severity: Severity; params: ThresholdParams },
  from: number,
  to: number,
): Promise<PreviewRun> {
  const timeseries = store.series;
  const found = await timeseries.seriesByMetric(rule.params.metric, PREVIEW_LIMITS.series + 1);
  let truncated = found.length > PREVIEW_LIMITS.series;
  const replay: ReplaySeries[] = [];
  let budget = PREVIEW_LIMITS.samples;
  for (const s of found.slice(0, PREVIEW_LIMITS.series)) {
    const facts = await targetFacts(store, s);
    if (facts === null) continue; // its device, camera or agent is gone
    if (budget <= 0) {
      truncated = true;
      break;
    }
    let points = await timeseries.read(s.id, { from, to });
    if (points.length > budget) {
      points = points.slice(0, budget);
      truncated = true;
    }
    budget -= points.length;
    replay.push({
      target_kind: s.kind,
      target_id: s.target,
      ...facts,
      metric: s.metric,
      unit: s.unit,
      labels: s.labels,
      points,
    });
  }
  const r = replayRule(threshold, { key: 'preview', ...rule }, replay);
  return {
    from,
    to,
    series: replay.length,
    samples: r.samples,
    truncated,
    fired: r.episodes.length,
    targets: new Set(r.episodes.map((e) => e.key)).size,
    open_at_end: r.episodes.filter((e) => e.resolved_at === null).length,
    episodes: await Promise.all(
      r.episodes.slice(0, PREVIEW_LIMITS.episodes).map(async (e) => ({
        ...e,
        title: await renderRefs(store, e.title),
      })),
    ),
  };
}
