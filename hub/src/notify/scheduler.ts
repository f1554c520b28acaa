import { suppressionFor } from '../alerts/dependencies.js';
import type { AlertEngine } from '../alerts/engine.js';
import { activeWindow } from '../alerts/maintenance.js';
import type { AlertSettings } from '../alerts/settings.js';
import { alertToApi, isAcknowledged } from '../alerts/view.js';
import type { HubEvents } from '../events.js';
import type { AlertRow } from '../store/alerts.js';
import type { HubStore } from '../store/port.js';
import { effectiveRoutes } from './channel-routes.js';
import type { Dispatcher } from './dispatcher.js';
import { alertMessage } from './format.js';
import { groupHistory, type PlanAlert, planNotices } from './plan.js';

/**
 * Turns alert state into queued notices: for every alert that may still need one, recompute whether it is
 * muted (dependency, maintenance), plan with the routes and what each channel already got, and enqueue.
 * Sweeps must not overlap (the alerting service runs them on the engine's lane).
 */
export class NotificationScheduler {
  constructor(
    private readonly o: {
      store: HubStore;
      engine: AlertEngine;
      dispatcher: Dispatcher;
      events: HubEvents;
      settings: AlertSettings;
      clock: () => number;
    },
  ) {}

  async sweep(): Promise<number> {
    const { store, engine, dispatcher, settings } = this.o;
    const now = this.o.clock();
    const alerts = await store.alerts.notifiable();
    if (alerts.length === 0) return 0;
    const routes = effectiveRoutes(
      await store.channels.list(),
      await store.channels.allRoutes(),
      settings.repeatIntervalS,
    );
    const history = groupHistory(await store.notifications.history(alerts.map((a) => a.id)));
    let queued = 0;
    for (let a of alerts) {
      if (a.state === 'open') a = await this.refreshSuppression(a, now);
      const muted = a.suppressed === 1 || activeWindow(engine.maintenance(), a, now) !== undefined;
      const plan = planNotices(
        toPlan(a, muted, now),
        routes,
        history.get(a.id) ?? new Map(),
        now,
        settings.settleMs,
      );
      const alert = a;
      const markNotified = plan.some((p) => p.kind === 'problem' || p.kind === 'repeat');
      const markHandled = alert.state === 'resolved' && alert.flapping === 0;
      if (plan.length === 0 && !markNotified && !markHandled) continue;
      await store.unit(async (tx) => {
        for (const p of plan) {
          const message = alertMessage(p.kind, alert, now, settings.publicUrl);
          await tx.notifications.enqueue(p.channel_id, alert.id, message.kind, message, now);
        }
        if (markNotified) await tx.alerts.markNotified(alert.id, now);
        if (markHandled) await tx.alerts.markRecoveryHandled(alert.id, now);
      });
      queued += plan.length;
    }
    if (queued > 0) dispatcher.kick();
    return queued;
  }

  /** A suppression lifts (agent back, parent up) or starts while the alert is open: record it. */
  private async refreshSuppression(a: AlertRow, now: number): Promise<AlertRow> {
    const by = suppressionFor(a, this.o.engine.topology, now, this.o.settings.dependencyGraceMs);
    if (by === a.suppressed_by) return a;
    const row = await this.o.store.alerts.setSuppressed(a.id, by);
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
