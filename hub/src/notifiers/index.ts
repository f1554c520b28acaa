import { emailNotifier } from './email.js';
import { slackNotifier } from './slack.js';
import type { Notifier } from './types.js';
import { webhookNotifier } from './webhook.js';

// biome-ignore lint/suspicious/noExplicitAny: each notifier validates its own settings with its schemas
export type AnyNotifier = Notifier<any, any>;

/** Every channel type, one file each, one line here. */
export const NOTIFIERS: ReadonlyMap<string, AnyNotifier> = registry([
  emailNotifier,
  slackNotifier,
  webhookNotifier,
]);

/** Builds the registry, refusing two notifiers with one type. */
export function registry(list: AnyNotifier[]): ReadonlyMap<string, AnyNotifier> {
  const map = new Map<string, AnyNotifier>();
  for (const n of list) {
    if (map.has(n.type)) throw new Error(`notifier "${n.type}" is registered twice`);
    map.set(n.type, n);
  }
  return map;
}
