import type { LiveRelay } from '../camera/live-relay.js';
import { type Leadership, soleLeadership } from '../cluster/elector.js';
import type { HubContext } from '../context.js';
import type { LinkParts } from '../link/parts.js';
import type { Onboarding } from '../onboarding/onboarding.js';
import { alertingService } from './alerting.js';
import { cameraLiveService } from './camera-live.js';
import { discoverySchedulesService } from './discovery-schedules.js';
import { linkService } from './link.js';
import { onboardingService } from './onboarding.js';
import { retentionService } from './retention.js';
import { rolloutsService } from './rollouts.js';
import { sessionsService } from './sessions.js';
import { timeseriesService } from './timeseries.js';
import type { RunningService, Service, ServiceHttp } from './types.js';

/** The parts a service is built on, made where the hub is composed (server.ts). */
export interface ServiceParts {
  link: LinkParts;
  onboarding: Onboarding;
  liveRelay: LiveRelay;
}

/** Every service, one file each, one line here, in start order (stopped in reverse). */
export function hubServices(parts: ServiceParts): readonly Service[] {
  return checkNames([
    sessionsService,
    timeseriesService,
    linkService(parts.link),
    alertingService,
    onboardingService(parts.onboarding),
    cameraLiveService(parts.liveRelay),
    rolloutsService(parts.link.jobs),
    retentionService,
    discoverySchedulesService(parts.onboarding),
  ]);
}

function checkNames(list: Service[]): Service[] {
  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s.name)) throw new Error(`service ${s.name} is registered twice`);
    seen.add(s.name);
  }
  return list;
}

/** Starts `services` in order; on a failure stops those started (in reverse) and rethrows with the name. */
async function startInOrder(
  ctx: HubContext,
  http: ServiceHttp,
  services: readonly Service[],
): Promise<() => Promise<void>> {
  const running: { name: string; handle: RunningService }[] = [];
  const stopAll = async () => {
    for (const { name, handle } of running.reverse()) {
      try {
        await handle.stop();
        ctx.logger.info({ service: name }, 'service stopped');
      } catch (err) {
        ctx.logger.error({ err, service: name }, 'service failed to stop');
      }
    }
    running.length = 0;
  };
  for (const service of services) {
    try {
      const handle = await service.start(ctx, http);
      running.push({ name: service.name, handle });
      ctx.logger.info({ service: service.name }, 'service started');
    } catch (err) {
      await stopAll();
      throw new Error(`service ${service.name} failed to start: ${(err as Error).message}`, { cause: err });
    }
  }
  return stopAll;
}

/**
 * Starts the services in order, then the singletons (in their order) whenever `leadership` makes this hub the
 * leader, stopping them when it stops being it; a lone hub (the default) leads from the start. If one fails to
 * start, those already started are stopped (in reverse) and the error is rethrown with the service's name.
 * Returns a function that stops the singletons, then the others in reverse order.
 */
export async function startServices(
  ctx: HubContext,
  http: ServiceHttp,
  services: readonly Service[],
  leadership: Leadership = soleLeadership(),
): Promise<() => Promise<void>> {
  const stopOthers = await startInOrder(
    ctx,
    http,
    services.filter((s) => !s.singleton),
  );
  const singletons = services.filter((s) => s.singleton);
  let stopSingletons: (() => Promise<void>) | undefined;
  try {
    await leadership.start(async (leader) => {
      if (leader) stopSingletons = await startInOrder(ctx, http, singletons);
      else {
        const stop = stopSingletons;
        stopSingletons = undefined;
        await stop?.();
      }
    });
  } catch (err) {
    await stopOthers();
    throw err;
  }
  return async () => {
    await leadership.stop();
    await stopOthers();
  };
}

export type { RunningService, Service, ServiceHttp } from './types.js';
