import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { TokenService } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import { createOnboarding } from '../onboarding/onboarding.js';
import { ApiError, errorHandler, validationHook } from './errors.js';
import { audit } from './middleware/audit.js';
import { observe } from './middleware/observe.js';
import { RELEASE_UPLOAD_PATH } from './routes/agent-releases.js';
import { ROUTE_MODULES, type RouteModule } from './routes/index.js';
import type { ApiApp, AppParts, HubEnv, RouteParts } from './types.js';

/** The token service for a context (the signing key is derived from the hub's master key). */
export function tokenService(hub: HubContext): TokenService {
  return new TokenService(hub.secrets.derive('jwt v1'), {
    issuer: hub.config.jwtIssuer,
    audience: hub.config.jwtAudience,
    accessTtlS: hub.config.accessTokenTtlS,
    clock: hub.clock,
  });
}

/**
 * Builds the whole HTTP application: middleware, every registered route module, errors. `parts` are the
 * running units the routes call (the agent link, onboarding); without a link, what needs an agent answers 503.
 */
export function createApp(
  hub: HubContext,
  modules: readonly RouteModule[] = ROUTE_MODULES,
  parts: AppParts = {},
): ApiApp {
  const routeParts: RouteParts = {
    ...(parts.link ? { link: parts.link } : {}),
    onboarding: parts.onboarding ?? createOnboarding(hub),
  };
  const app = new OpenAPIHono<HubEnv>({ defaultHook: validationHook });
  const tokens = tokenService(hub);
  app.use('*', requestId({ limitLength: 64 }));
  app.use('*', async function provideContext(c, next) {
    c.set('hub', hub);
    c.set('tokens', tokens);
    await next();
  });
  app.use('*', observe(hub));
  app.use(
    '*',
    secureHeaders({
      // The docs UI and dashboard load only same-origin assets.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        // The live player feeds Media Source Extensions through a blob: URL it creates itself.
        mediaSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  if (hub.config.corsOrigins.length > 0) {
    app.use(
      '/api/*',
      cors({
        origin: hub.config.corsOrigins,
        allowHeaders: ['Authorization', 'Content-Type'],
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        exposeHeaders: ['X-Request-Id', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `request body exceeds ${maxSize} bytes`);
      },
    });
  const apiLimit = limit(hub.config.bodyLimitBytes);
  // Agent bundles are uploaded whole: they have a limit of their own.
  const releaseLimit = limit(hub.config.releaseMaxBytes);
  app.use('/api/*', function limitBody(c, next) {
    return c.req.method === 'POST' && c.req.path === RELEASE_UPLOAD_PATH
      ? releaseLimit(c, next)
      : apiLimit(c, next);
  });
  app.use('/api/*', audit());
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT or API key',
    description:
      'An access token from login (a JWT), or an API key (opk_...; POST /api/v1/api-keys). A route marked ' +
      'x-session-only refuses API keys; x-site-rule says what it does for a key limited to one site (refuse, ' +
      'or own: only what belongs to that site).',
  });
  const seen = new Set<string>();
  for (const m of modules) {
    if (seen.has(m.name)) throw new Error(`route module ${m.name} is registered twice`);
    seen.add(m.name);
    m.register(app, hub, routeParts);
  }
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError(errorHandler(hub.logger));
  return app;
}
