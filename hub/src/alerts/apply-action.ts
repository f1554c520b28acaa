import type { AlertRow } from '../store/alerts.js';
import type { HubStore } from '../store/port.js';
import { type DependencyFacts, suppressionFor } from './dependencies.js';
import { NOT_FLAPPING, recordTransition } from './flapping.js';
import { activeWindow, type MaintenanceWindow } from './maintenance.js';
import { renderRefs } from './names.js';
import type { LoadedRule } from './rules-store.js';
import type { AlertSettings } from './settings.js';
import type { RuleAction } from './types.js';

export type AlertChange = 'created' | 'updated' | 'resolved';

/** What writing a rule's action needs: the store, the settings, and the facts suppression is decided on. */
export interface ApplyDeps {
  store: HubStore;
  settings: AlertSettings;
  topology: DependencyFacts;
  windows: readonly MaintenanceWindow[];
  changed(change: AlertChange, row: AlertRow): void;
}

/** An alert's flapping state as stored. */
export function flapState(a: AlertRow) {
  return { ...NOT_FLAPPING, transitions: JSON.parse(a.transitions) as number[], flapping: a.flapping === 1 };
}

/**
 * Writes one action of a rule: `clear` resolves the open alert of its target; a raise repeats the open alert,
 * reopens one resolved within the flapping window (counting the transition), or opens a new one with its
 * suppression and maintenance window decided now.
 */
export async function applyAction(
  d: ApplyDeps,
  rule: Pick<LoadedRule, 'id' | 'key' | 'severity'>,
  a: RuleAction,
  now: number,
): Promise<void> {
  const alerts = d.store.alerts;
  const flapCfg = { windowMs: d.settings.flapWindowMs, threshold: d.settings.flapThreshold };
  if (a.type === 'clear') {
    const open = await alerts.findOpen(rule.key, a.key);
    if (!open) return;
    const f = recordTransition(flapState(open), now, flapCfg);
    d.changed(
      'resolved',
      await alerts.resolve(open.id, Math.min(a.ts, now), f.transitions, f.flapping, a.quiet ?? false),
    );
    return;
  }
  const severity = a.severity ?? rule.severity;
  const message = a.message === undefined ? null : await renderRefs(d.store, a.message);
  const open = await alerts.findOpen(rule.key, a.target.key);
  if (open) {
    d.changed('updated', await alerts.repeat(open.id, Math.min(a.ts, now), message, severity));
    return;
  }
  const facts = {
    ts: Math.min(a.ts, now),
    opened_at: now,
    message,
    suppressed_by: suppressionFor(a.target, d.topology, now, d.settings.dependencyGraceMs),
    maintenance_id: activeWindow(d.windows, a.target, now)?.id ?? null,
  };
  const recent = await alerts.findResolvedSince(rule.key, a.target.key, now - flapCfg.windowMs);
  if (recent) {
    const f = recordTransition(flapState(recent), now, flapCfg);
    d.changed('updated', await alerts.reopen(recent.id, facts, f.transitions, f.flapping));
    return;
  }
  const row = await alerts.insert({
    rule: rule.key,
    rule_id: rule.id,
    target: a.target,
    severity,
    title: await renderRefs(d.store, a.title),
    ...facts,
    transitions: [now],
    flapping: false,
  });
  d.changed('created', row);
}
