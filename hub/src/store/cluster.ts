/**
 * What several hubs on one database coordinate through, beside the repositories: a lock that elects the hub
 * running the singletons (cluster/leadership.ts is its policy) and a channel that carries hub events to the
 * other hubs (cluster/relay.ts). PostgreSQL implements both (store/postgres/advisory-lock.ts,
 * store/postgres/notify-channel.ts); a SQLite hub is alone and needs neither.
 */

/** A session-level lock held on a connection of its own: lost with that connection. */
export interface LeaderLock {
  /** Takes the lock if it is free (opening the connection first when there is none). */
  tryLock(timeoutMs: number): Promise<boolean>;
  /** Whether this lock's session still holds it. Rejects when the connection is gone or does not answer. */
  holds(timeoutMs: number): Promise<boolean>;
  /** Ends the connection: the server releases the lock with the session. Never rejects. */
  drop(): Promise<void>;
  /** Called when the connection fails between statements (the server ended it, the network dropped). */
  onLost(listener: () => void): void;
}

/** Messages to every other process listening on the same channel, in the order they were sent. */
export interface NotifyChannel {
  /** Starts listening; `deliver` gets every message sent on the channel, this process' own included. */
  listen(deliver: (message: string) => void): Promise<void>;
  /** Sends messages in order (each at most NOTIFY_MAX_BYTES of ASCII). Rejects when the database refuses. */
  send(messages: readonly string[]): Promise<void>;
  /** Called when the listening connection fails; listening stops until `listen` is called again. */
  onLost(listener: (err: unknown) => void): void;
  close(): Promise<void>;
}

/** PostgreSQL's limit on one NOTIFY payload is 8000 bytes; messages stay under it with room for a header. */
export const NOTIFY_MAX_BYTES = 7900;
