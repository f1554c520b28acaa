import { cameraLiveService } from '../camera/live-service.js';
import type { HubContext } from '../context.js';
import { linkService } from '../link/service.js';
import { alertingService } from './alerting.js';
import { onboardingService } from './onboarding.js';
import { retentionService } from './retention.js';
import { rolloutsService } from './rollouts.js';
import { sessionsService } from './sessions.js';
import { timeseriesService } from './timeseries.js';
import type { RunningService, Service, ServiceHttp } from './types.js';

/** Every service, one file each, one line here, in start order (stopped in reverse). */
export const SERVICES: readonly Service[] = checkNames([
  sessionsService,
  timeseriesService,
  linkService,
  alertingService,
  onboardingService,
  cameraLiveService,
  rolloutsService,
  retentionService,
]);

function checkNames(list: Service[]): Service[] {
  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s.name)) throw new Error(`service ${s.name} is registered twice`);
    seen.add(s.name);
  }
  return list;
}

/**
 * Starts services in order. If one fails to start, those already started are stopped (in reverse) and the
 * error is rethrown with the service's name. Returns a function that stops them all in reverse order.
 */
export async function startServices(
  ctx: HubContext,
  http: ServiceHttp,
  services: readonly Service[] = SERVICES,
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

export type { RunningService, Service, ServiceHttp } from './types.js';
