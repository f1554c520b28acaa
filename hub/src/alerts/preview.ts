import type { Sample } from '@outpost/protocol';
import type { AlertInput, RuleConfig, RuleKind, RuleState } from './types.js';

/** One stored series to replay, with the inventory facts a rule's scope looks at. */
export interface ReplaySeries {
  target_kind: 'device' | 'camera' | 'agent';
  target_id: string;
  site_id: number;
  device_type?: string;
  metric: string;
  unit: string | null;
  labels: Record<string, string>;
  /** Oldest first; `t` in epoch ms. */
  points: readonly { t: number; v: number }[];
}

/** A stretch of time during which the rule's alert would have been open for one target. */
export interface Episode {
  key: string;
  title: string;
  message?: string;
  device_id?: number;
  camera_id?: number;
  agent_id?: string;
  site_id?: number;
  opened_at: number;
  /** null: still open at the end of the replay. */
  resolved_at: number | null;
}

export interface ReplayResult {
  episodes: Episode[];
  samples: number;
}

/**
 * Pure: runs a rule over stored samples exactly as the alert engine does (the kind's own `evaluate`, fed one
 * `sample` input per point in time order, per series) and returns when its alert would have opened and
 * resolved. Only sample-driven kinds (threshold) have anything to replay; the others see no input here.
 */
export function replayRule<P>(
  kind: RuleKind<P>,
  rule: RuleConfig<P>,
  series: readonly ReplaySeries[],
): ReplayResult {
  const episodes: Episode[] = [];
  let samples = 0;
  for (const s of series) {
    let state: RuleState = {};
    const open = new Map<string, Episode>();
    for (const p of s.points) {
      samples++;
      const sample: Sample = { metric: s.metric, value: p.v, ts: p.t };
      if (s.target_kind === 'device') sample.device_id = Number(s.target_id);
      else if (s.target_kind === 'camera') sample.camera_id = Number(s.target_id);
      if (s.unit) sample.unit = s.unit;
      if (Object.keys(s.labels).length) sample.labels = s.labels;
      const input: AlertInput = {
        kind: 'sample',
        agent_id: s.target_kind === 'agent' ? s.target_id : '',
        site_id: s.site_id,
        device_type: s.device_type,
        sample,
      };
      const r = kind.evaluate(state, input, p.t, rule);
      state = r.state;
      for (const a of r.actions) {
        if (a.type === 'fire' && !open.has(a.target.key)) {
          const e: Episode = {
            key: a.target.key,
            title: a.title,
            ...(a.message !== undefined ? { message: a.message } : {}),
            ...(a.target.device_id !== undefined ? { device_id: a.target.device_id } : {}),
            ...(a.target.camera_id !== undefined ? { camera_id: a.target.camera_id } : {}),
            ...(a.target.agent_id !== undefined ? { agent_id: a.target.agent_id } : {}),
            ...(a.target.site_id !== undefined ? { site_id: a.target.site_id } : {}),
            opened_at: a.ts,
            resolved_at: null,
          };
          open.set(a.target.key, e);
          episodes.push(e);
        } else if (a.type === 'clear') {
          const e = open.get(a.key);
          if (e) {
            e.resolved_at = a.ts;
            open.delete(a.key);
          }
        }
      }
    }
  }
  episodes.sort((a, b) => a.opened_at - b.opened_at || a.key.localeCompare(b.key));
  return { episodes, samples };
}
