import { readFileSync } from 'node:fs';
import { hubAsset } from '../assets.js';

/** The most common passwords and network-gear defaults (common-passwords.txt), compared lower-cased. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  readFileSync(hubAsset('auth/common-passwords.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '' && !line.startsWith('#')),
);
