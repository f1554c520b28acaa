import { readFileSync } from 'node:fs';
import { vendorAsset } from '../../assets.js';
import { HUB_VERSION } from '../../version.js';
import { registerRaw } from '../access.js';
import type { RouteModule } from '../types.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Outpost hub API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"><link rel="icon" href="/api/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

// A separate file, not an inline script, so the Content-Security-Policy can stay 'self'.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

/** OpenAPI 3.1 document at /api/openapi.json and the docs UI at /api/docs, from local assets (no CDN). */
export const docsRoutes: RouteModule = {
  name: 'docs',
  register(app) {
    const cache = new Map<string, Buffer>();
    registerRaw(
      app,
      {
        method: 'get',
        path: '/api/openapi.json',
        access: 'public',
        summary: 'This OpenAPI 3.1 document',
        tags: ['operations'],
      },
      (c) =>
        c.json(
          app.getOpenAPI31Document({
            openapi: '3.1.0',
            info: {
              title: 'Outpost hub API',
              version: HUB_VERSION,
              description:
                'Every route states its access rule (x-access): public, viewer, operator or admin. Log in at ' +
                '/api/v1/auth/login and send `Authorization: Bearer <access_token>`.',
            },
            servers: [{ url: '/' }],
          }),
        ),
    );
    registerRaw(
      app,
      { method: 'get', path: '/api/docs', access: 'public', summary: 'API docs UI', hide: true },
      (c) => c.html(PAGE),
    );
    registerRaw(
      app,
      { method: 'get', path: '/api/docs/init.js', access: 'public', summary: 'docs UI', hide: true },
      (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
    );
    registerRaw(
      app,
      { method: 'get', path: '/api/docs/{asset}', access: 'public', summary: 'docs UI assets', hide: true },
      (c) => {
        const name = c.req.param('asset') ?? '';
        const type = ASSETS[name];
        if (!type) return c.json({ error: { code: 'not_found', message: `no asset ${name}` } }, 404);
        let data = cache.get(name);
        if (!data) {
          const path = vendorAsset('swagger-ui-dist', name);
          if (!path) throw new Error('swagger-ui-dist is not installed');
          data = readFileSync(path);
          cache.set(name, data);
        }
        return c.body(new Uint8Array(data), 200, {
          'Content-Type': type,
          'Cache-Control': 'public, max-age=86400',
        });
      },
    );
  },
};
