import { suppressionFor } from '../alerts/dependencies.js';
import type { AlertEngine } from '../alerts/engine.js';
import { activeWindow } from '../alerts/maintenance.js';
import type { AlertSettings } from '../alerts/settings.js';
import { type AlertRow, isAcknowledged } from '../alerts/store.js';
import type { HubEvents } from '../events.js';
import { alertToApi } from '../store/alerts.js';
import type { Db } from '../store/db.js';
import { effectiveRoutes } from './channels-store.js';
import type { Dispatcher } from './dispatcher.js';
import { alertMessage } from './format.js';
import { type PlanAlert, planNotices } from './plan.js';

/**
 * Turns alert state into queued notices: for every alert that may still need one, recompute whether it is
 * muted (dependency, maintenance), plan with the routes and what each channel already got, and enqueue.
 */
export class NotificationScheduler {
  constructor(
    private readonly o: {
      db: Db;
      engine: AlertEngine;
      dispatcher: Dispatcher;
      events: HubEvents;
      settings: AlertSettings;
      clock: () => number;
    },
  ) {}

  sweep(): number {
    const { engine, dispatcher, settings } = this.o;
    const now = this.o.clock();
    const alerts = engine.store.notifiable();
    if (alerts.length === 0) return 0;
    const routes = effectiveRoutes(this.o.db, settings.repeatIntervalS);
    const history = dispatcher.outbox.history(alerts.map((a) => a.id));
    let queued = 0;
    for (let a of alerts) {
      if (a.state === 'open') a = this.refreshSuppression(a, now);
      const muted = a.suppressed === 1 || activeWindow(engine.maintenance(), a, now) !== undefined;
      const plan = planNotices(
        toPlan(a, muted, now),
        routes,
        history.get(a.id) ?? new Map(),
        now,
        settings.settleMs,
      );
      this.o.db.transaction(() => {
        for (const p of plan) {
          dispatcher.outbox.enqueue(
            p.channel_id,
            a.id,
            alertMessage(p.kind, a, now, settings.publicUrl),
            now,
          );
          queued++;
        }
        if (plan.some((p) => p.kind === 'problem' || p.kind === 'repeat'))
          engine.store.markNotified(a.id, now);
        if (a.state === 'resolved' && a.flapping === 0) engine.store.markRecoveryHandled(a.id, now);
      })();
    }
    if (queued > 0) dispatcher.kick();
    return queued;
  }

  /** A suppression lifts (agent back, parent up) or starts while the alert is open: record it. */
  private refreshSuppression(a: AlertRow, now: number): AlertRow {
    const by = suppressionFor(a, this.o.engine.topology, now, this.o.settings.dependencyGraceMs);
    if (by === a.suppressed_by) return a;
    const row = this.o.engine.store.setSuppressed(a.id, by);
    this.o.events.emit('alert.changed', { change: 'updated', alert: alertToApi(row) });
    return row;
  }
}

function toPlan(a: AlertRow, muted: boolean, now: number): PlanAlert {
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    state: a.state,
    opened_at: a.opened_at ?? a.created_at,
    site_id: a.site_id,
    device_id: a.device_id,
    camera_id: a.camera_id,
    flapping: a.flapping === 1,
    muted,
    acknowledged: isAcknowledged(a, now),
    recovery_handled: a.recovery_handled_at !== null,
  };
}
