import { readFileSync } from 'node:fs';

declare const __OUTPOST_HUB_VERSION__: string | undefined;

/** The hub's version: written into the bundle by deploy/build.mjs, else read from its package.json. */
export const HUB_VERSION: string =
  typeof __OUTPOST_HUB_VERSION__ === 'string'
    ? __OUTPOST_HUB_VERSION__
    : JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
