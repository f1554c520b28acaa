import { Counter } from 'prom-client';
import type { HubContext } from '../context.js';
import type { AnyNotifier } from '../notifiers/index.js';
import { Dispatcher } from '../notify/dispatcher.js';
import { NotificationScheduler } from '../notify/scheduler.js';
import { maybeSendSummary } from '../notify/summary.js';
import { notifyTargets } from '../notify/targets.js';
import { AlertEngine } from './engine.js';
import { interfaceName } from './interface-names.js';
import { storedStateInputs } from './replay.js';
import type { AlertSettings } from './settings.js';

/** The alert engine, the notification scheduler and the delivery dispatcher, wired and driven by one timer. */
export interface Alerting {
  engine: AlertEngine;
  dispatcher: Dispatcher;
  scheduler: NotificationScheduler;
  /** One tick by hand (tests with an injected clock): resolves when rules, flaps and notices are done. */
  tick(): Promise<void>;
  /** Resolves once every hub event received so far has been applied (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

function counter(ctx: HubContext, name: string, help: string, labelNames: string[]): Counter<string> {
  const existing = ctx.metrics.getSingleMetric(name);
  return (existing as Counter<string>) ?? new Counter({ name, help, labelNames, registers: [ctx.metrics] });
}

export async function startAlerting(
  ctx: HubContext,
  settings: AlertSettings,
  opts: {
    notifiers?: ReadonlyMap<string, AnyNotifier>;
    timers?: boolean;
    /**
     * Evaluate the stored state of every target once at start (alerts/replay.ts): for an engine taking over
     * from another hub, so that a change no engine saw still opens or resolves its alert.
     */
    replayState?: boolean;
  } = {},
): Promise<Alerting> {
  const log = ctx.logger.child({ component: 'alerting' });
  const attempts = counter(ctx, 'outpost_hub_notifications_total', 'Notification delivery attempts', [
    'type',
    'result',
  ]);
  const changes = counter(ctx, 'outpost_hub_alert_changes_total', 'Alerts created, updated and resolved', [
    'change',
  ]);
  const dispatcher = new Dispatcher({
    store: ctx.store,
    secrets: ctx.secrets,
    targets: notifyTargets(ctx.config),
    logger: log,
    clock: ctx.clock,
    notifiers: opts.notifiers,
    timeoutMs: settings.notifyTimeoutMs,
    maxAttempts: settings.notifyMaxAttempts,
    baseBackoffMs: settings.notifyBackoffMs,
    onAttempt: (_row, type, ok) => attempts.inc({ type, result: ok ? 'delivered' : 'failed' }),
  });
  let settleTimer: NodeJS.Timeout | undefined;
  // Planning runs on the engine's lane: it sees every alert change queued before it, and never overlaps.
  const sweep = () =>
    engine.lane
      .run(() => scheduler.sweep())
      .catch((err) => log.error({ err }, 'notification planning failed'));
  const engine = new AlertEngine({
    store: ctx.store,
    events: ctx.events,
    logger: log,
    clock: ctx.clock,
    settings,
    interfaceName: (deviceId, ifIndex) => interfaceName(ctx.store.series, deviceId, ifIndex),
    // Plan notices once the batch that opened the alert has been applied in full (dependencies settle).
    onAlertChange: () => {
      if (settleTimer || opts.timers === false) return;
      settleTimer = setTimeout(() => {
        settleTimer = undefined;
        void sweep();
      }, settings.settleMs);
    },
  });
  const scheduler = new NotificationScheduler({
    store: ctx.store,
    engine,
    dispatcher,
    events: ctx.events,
    settings,
    clock: ctx.clock,
  });
  const offChanges = ctx.events.on('alert.changed', (e) => changes.inc({ change: e.change }));
  let ticking = false;
  const tick = async () => {
    await engine.tick();
    await sweep();
    await engine.lane.run(async () => {
      const queued = await maybeSendSummary(
        ctx.store,
        ctx.clock(),
        settings.summaryAt,
        settings.summaryTimezone,
      );
      if (queued > 0) dispatcher.kick();
    });
  };
  await engine.start();
  if (opts.replayState) {
    const inputs = await storedStateInputs(ctx.store, ctx.clock());
    for (const input of inputs) await engine.handle(input);
    log.info({ targets: inputs.length }, 'alert engine started from the stored state of every target');
  }
  let timer: NodeJS.Timeout | undefined;
  if (opts.timers !== false) {
    dispatcher.start();
    timer = setInterval(() => {
      // A slow tick (a large store) is not stacked on itself: the next interval finds it still running.
      if (ticking) return;
      ticking = true;
      tick()
        .catch((err) => log.error({ err }, 'alerting tick failed'))
        .finally(() => {
          ticking = false;
        });
    }, settings.tickMs);
  }
  return {
    engine,
    dispatcher,
    scheduler,
    tick,
    idle: () => engine.idle(),
    async stop() {
      if (timer) clearInterval(timer);
      if (settleTimer) clearTimeout(settleTimer);
      offChanges();
      engine.stop();
      await engine.idle();
      await dispatcher.stop();
    },
  };
}
