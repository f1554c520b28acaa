import type { HubContext } from '../../context.js';
import type { ApiApp } from '../types.js';
import { docsRoutes } from './docs.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';

/**
 * A resource's routes: `register` adds them with `app.openapi(defineRoute({...access}), handler)` or
 * `registerRaw(app, {...access}, handler)`. A route registered any other way fails the access test.
 */
export interface RouteModule {
  name: string;
  register(app: ApiApp, hub: HubContext): void;
}

/**
 * Every route module, one file each, one line here. Order matters only between fixed and parameterised
 * paths of one resource, which each module handles itself (e.g. /devices/status before /devices/{id}).
 */
export const ROUTE_MODULES: readonly RouteModule[] = [healthRoutes, metricsRoutes, docsRoutes];
