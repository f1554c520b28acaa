import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __OUTPOST_HUB_BUNDLE__: boolean | undefined;

/**
 * Files the hub reads at run time that are not code: its own (under hub/src) and third-party files it serves to
 * browsers. In a checkout they are read where they are; deploy/build.mjs copies exactly these lists into the
 * bundle's `assets/` folder, with the same relative paths, so an install needs no sources and no node_modules
 * for them. A path that is not listed here throws, so that a new file cannot work from the sources and then be
 * missing from the bundle.
 */

/** The hub's own files and folders, by path under hub/src. */
export const HUB_ASSETS = ['web/app', 'auth/common-passwords.txt'] as const;

/** Third-party files served to browsers (dashboard modules, API docs UI), by npm package. */
export const VENDOR_ASSETS = {
  preact: ['dist/preact.module.js', 'hooks/dist/hooks.module.js', 'LICENSE'],
  htm: ['dist/htm.module.js', 'LICENSE'],
  uplot: ['dist/uPlot.esm.js', 'dist/uPlot.min.css', 'LICENSE'],
  'swagger-ui-dist': [
    'swagger-ui.css',
    'swagger-ui-bundle.js',
    'swagger-ui-standalone-preset.js',
    'favicon-32x32.png',
    'LICENSE',
  ],
} as const satisfies Record<string, readonly string[]>;

export type VendorPackage = keyof typeof VENDOR_ASSETS;

/** True inside the bundle (deploy/build.mjs defines it); the bundle is one file beside its assets/ folder. */
const BUNDLED = typeof __OUTPOST_HUB_BUNDLE__ === 'boolean' && __OUTPOST_HUB_BUNDLE__;
const HERE = dirname(fileURLToPath(import.meta.url));

/** Where the hub's assets are: hub/src in a checkout, `<install>/assets` for the bundle. */
export const ASSET_ROOT = BUNDLED ? join(HERE, 'assets') : HERE;

/** The absolute path of one of HUB_ASSETS, or of a file inside one of its folders. */
export function hubAsset(path: string): string {
  const listed = HUB_ASSETS.some((a) => path === a || path.startsWith(`${a}/`));
  if (!listed) throw new Error(`hub asset ${path} is not listed in HUB_ASSETS (src/assets.ts)`);
  return join(ASSET_ROOT, path);
}

/** The folder of an installed npm package, found as Node does: up the node_modules chain from here. */
function packageDir(pkg: string): string | undefined {
  for (let dir = HERE; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The absolute path of a listed third-party file (`assets/vendor/<pkg>/<file>` in the bundle), or undefined when
 * the package is not installed.
 */
export function vendorAsset(pkg: VendorPackage, file: string): string | undefined {
  if (!(VENDOR_ASSETS[pkg] as readonly string[]).includes(file)) {
    throw new Error(`vendor asset ${pkg}/${file} is not listed in VENDOR_ASSETS (src/assets.ts)`);
  }
  if (BUNDLED) return join(ASSET_ROOT, 'vendor', pkg, file);
  const dir = packageDir(pkg);
  return dir && join(dir, file);
}
