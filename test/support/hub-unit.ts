import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The systemd unit the hub ships with, and its drop-in for ports below 1024. */
export const HUB_UNIT = join(import.meta.dirname, '..', '..', 'hub', 'deploy', 'outpost-hub.service');
export const HUB_LOW_PORTS_DROPIN = join(
  import.meta.dirname,
  '..',
  '..',
  'hub',
  'deploy',
  'outpost-hub.service.d',
  'low-ports.conf',
);
/** Where the unit expects the install and the data. */
export const UNIT_INSTALL_DIR = '/opt/outpost-hub';
export const UNIT_DATA_DIR = '/var/lib/outpost-hub';

/** Every `Key=value` line of a unit file's sections, in order (comments and blank lines left out). */
export function unitDirectives(unitText: string): { key: string; value: string }[] {
  return unitText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('['))
    .map((l) => {
      const eq = l.indexOf('=');
      return { key: l.slice(0, eq), value: l.slice(eq + 1) };
    });
}

/**
 * The hub unit's command line and environment as they would run with the install in `installDir` and the data
 * in `dataDir`: `ExecStart` split on spaces (the unit has no quoting), `/usr/bin/node` replaced by `node`, and
 * the unit's `Environment=` lines. Throws when ExecStart is not `<node> [flags] /opt/outpost-hub/outpost-hub.mjs
 * serve ...`, so that a test never silently runs something else.
 */
export function hubUnitCommand(
  installDir: string,
  dataDir: string,
  node: string,
  unitText = readFileSync(HUB_UNIT, 'utf8'),
): { command: string; args: string[]; env: Record<string, string> } {
  const directives = unitDirectives(unitText);
  const exec = directives.filter((d) => d.key === 'ExecStart');
  if (exec.length !== 1) throw new Error(`${HUB_UNIT}: expected one ExecStart, found ${exec.length}`);
  const argv = (exec[0]?.value ?? '').split(' ').filter(Boolean);
  const script = argv.indexOf(`${UNIT_INSTALL_DIR}/outpost-hub.mjs`);
  if (!/\/node$/.test(argv[0] ?? '') || script < 1 || argv[script + 1] !== 'serve') {
    throw new Error(
      `${HUB_UNIT}: ExecStart is not "<node> ${UNIT_INSTALL_DIR}/outpost-hub.mjs serve ...": ${argv.join(' ')}`,
    );
  }
  const place = (s: string) => s.replaceAll(UNIT_INSTALL_DIR, installDir).replaceAll(UNIT_DATA_DIR, dataDir);
  const env: Record<string, string> = {};
  for (const d of directives.filter((x) => x.key === 'Environment')) {
    const eq = d.value.indexOf('=');
    env[d.value.slice(0, eq)] = place(d.value.slice(eq + 1));
  }
  return { command: node, args: argv.slice(1).map(place), env };
}
