import { describe } from 'node:test';
import { credentialsContract } from './credentials.js';
import type { ContractSuite, StoreFactory } from './fixtures.js';
import { releasesContract } from './releases.js';
import { rolloutsContract } from './rollouts.js';
import { sessionsContract } from './sessions.js';
import { unitOfWorkContract } from './unit-of-work.js';
import { usersContract } from './users.js';

/** Every part of the contract, one file each, one line here. */
const SUITES: readonly [string, ContractSuite][] = [
  ['unit of work', unitOfWorkContract],
  ['users', usersContract],
  ['sessions', sessionsContract],
  ['credentials', credentialsContract],
  ['releases', releasesContract],
  ['rollouts', rolloutsContract],
];

/**
 * The behaviour every HubStore engine must show (like the agent's outbox contract and MQTT.js' abstract_store):
 * each engine's test file calls this with its factory; nothing in here knows the engine.
 */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    for (const [part, suite] of SUITES) describe(part, () => suite(factory));
  });
}

export type { ContractSuite, StoreFactory } from './fixtures.js';
