import { readFileSync } from 'node:fs';

declare const __OUTPOST_AGENT_VERSION__: string | undefined;

/** The agent's version: written into the bundle by deploy/build.mjs, else read from its package.json. */
export const AGENT_VERSION: string =
  typeof __OUTPOST_AGENT_VERSION__ === 'string'
    ? __OUTPOST_AGENT_VERSION__
    : JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
