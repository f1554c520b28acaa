import type { HubStore, Repositories, UnitOfWork } from '../port.js';

/** How the contract gets stores from an engine. */
export interface StoreFactory {
  /** A new, empty, migrated store of its own (no data shared with other stores). */
  create(): Promise<HubStore>;
  /** For durable engines: closes `store` and opens the same database again. */
  reopen?(store: HubStore): Promise<HubStore>;
}

/** One repository's (or the unit of work's) part of the contract: registers its `it`s. */
export type ContractSuite = (factory: StoreFactory) => void;

/** Runs `fn` with a fresh store and closes it afterwards, whatever happens. */
export async function withStore<T>(factory: StoreFactory, fn: (store: HubStore) => Promise<T>): Promise<T> {
  const store = await factory.create();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A fixed point in time for contract data (epoch ms). */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Inserts a user with a throwaway hash. */
export function addUser(
  r: Repositories | UnitOfWork,
  username: string,
  role: 'admin' | 'operator' | 'viewer' = 'viewer',
  now = T0,
) {
  return r.users.insert({ username, role, password_hash: `hash-of-${username}`, email: null }, now);
}
