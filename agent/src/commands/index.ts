import { COMMAND_TYPES, type CommandType } from '@outpost/protocol';
import { cameraTest } from './camera-test.js';
import { cancel } from './cancel.js';
import { discover } from './discover.js';
import { liveStart } from './live-start.js';
import { liveStop } from './live-stop.js';
import { pollNow } from './poll-now.js';
import { snapshot } from './snapshot.js';
import type { CommandHandler } from './types.js';
import { upgrade } from './upgrade.js';
import { walk } from './walk.js';

export { CommandDispatcher, type DispatcherOptions } from './dispatcher.js';
export * from './types.js';

/** Every command type this agent runs: one file each, one line here. */
const HANDLERS: CommandHandler[] = [
  pollNow,
  walk,
  cancel,
  cameraTest,
  snapshot,
  liveStart,
  liveStop,
  discover,
  upgrade,
] as CommandHandler[];

/** Builds the registry; rejects duplicates and types the protocol does not define. */
export function registerCommands(
  handlers: readonly CommandHandler[],
): ReadonlyMap<CommandType, CommandHandler> {
  const map = new Map<CommandType, CommandHandler>();
  for (const h of handlers) {
    if (!COMMAND_TYPES.includes(h.type)) throw new Error(`command handler for unknown type "${h.type}"`);
    if (map.has(h.type)) throw new Error(`duplicate command handler "${h.type}"`);
    map.set(h.type, h);
  }
  return map;
}

export const COMMANDS = registerCommands(HANDLERS);
