import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { registerRaw } from '../../api/access.js';
import type { HubEnv, RouteModule } from '../../api/types.js';
import { hubAsset, type VendorPackage, vendorAsset } from '../../assets.js';

const APP_DIR = hubAsset('web/app');
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  svg: 'image/svg+xml',
};
const SAFE_NAME = /^[a-z0-9][a-z0-9-]*\.(js|css|svg)$/;

/**
 * Third-party modules served under /ui/lib/ (from node_modules, or the bundle's assets; see src/assets.ts). Bare
 * imports are rewritten to these paths so the browser needs no import map (an inline one would need a CSP
 * exception).
 */
const VENDOR: Record<string, { pkg: VendorPackage; file: string }> = {
  'preact.js': { pkg: 'preact', file: 'dist/preact.module.js' },
  'hooks.js': { pkg: 'preact', file: 'hooks/dist/hooks.module.js' },
  'htm.js': { pkg: 'htm', file: 'dist/htm.module.js' },
  'uplot.js': { pkg: 'uplot', file: 'dist/uPlot.esm.js' },
  'uplot.css': { pkg: 'uplot', file: 'dist/uPlot.min.css' },
};

function vendorFile(name: string): string | undefined {
  const v = VENDOR[name];
  const path = v && vendorAsset(v.pkg, v.file);
  if (!path) return undefined;
  return readFileSync(path, 'utf8')
    .replaceAll(/from\s*["']preact["']/g, 'from"/ui/lib/preact.js"')
    .replace(/\/\/# sourceMappingURL=.*$/m, '');
}

function typeOf(name: string): string {
  return TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/** The dashboard: the page at /, its modules under /ui/ and /ui/pages/, vendor modules under /ui/lib/. */
export const webStaticRoutes: RouteModule = {
  name: 'web-static',
  register(app, hub) {
    // Files are read once in production; re-read on each request when logging at debug (editing the UI).
    const cache = new Map<string, string>();
    const live = hub.config.logLevel === 'debug' || hub.config.logLevel === 'trace';
    const load = (key: string, read: () => string | undefined): string | undefined => {
      const hit = live ? undefined : cache.get(key);
      if (hit !== undefined) return hit;
      const data = read();
      if (data !== undefined && !live) cache.set(key, data);
      return data;
    };
    const send = (c: Context<HubEnv>, name: string, data: string | undefined) => {
      if (data === undefined)
        return c.json({ error: { code: 'not_found', message: `no asset ${name}` } }, 404);
      return c.body(data, 200, { 'Content-Type': typeOf(name), 'Cache-Control': 'no-cache' });
    };
    const appFile = (sub: string, name: string) => {
      if (!SAFE_NAME.test(name)) return undefined;
      try {
        return readFileSync(join(APP_DIR, sub, name), 'utf8');
      } catch {
        return undefined;
      }
    };
    const page = { method: 'get' as const, access: 'public' as const, hide: true };
    registerRaw(app, { ...page, path: '/', summary: 'dashboard' }, (c) =>
      send(
        c,
        'index.html',
        load('index.html', () => readFileSync(join(APP_DIR, 'index.html'), 'utf8')),
      ),
    );
    registerRaw(app, { ...page, path: '/ui/lib/{file}', summary: 'dashboard vendor modules' }, (c) => {
      const name = c.req.param('file') ?? '';
      return send(
        c,
        name,
        load(`lib/${name}`, () => vendorFile(name)),
      );
    });
    registerRaw(app, { ...page, path: '/ui/pages/{file}', summary: 'dashboard pages' }, (c) => {
      const name = c.req.param('file') ?? '';
      return send(
        c,
        name,
        load(`pages/${name}`, () => appFile('pages', name)),
      );
    });
    registerRaw(app, { ...page, path: '/ui/{file}', summary: 'dashboard modules' }, (c) => {
      const name = c.req.param('file') ?? '';
      return send(
        c,
        name,
        load(name, () => appFile('', name)),
      );
    });
  },
};
