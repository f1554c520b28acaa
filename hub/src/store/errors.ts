/** Why a store call failed, in engine-neutral terms. */
export type StoreErrorCode =
  /** A unique key is taken (a name, a token hash, a primary key). */
  | 'conflict'
  /** The row refers to a row that does not exist (a foreign key). */
  | 'reference'
  /** A repository of a unit of work was used after the unit ended. */
  | 'unit_closed'
  /** A unit of work ran past its time limit and was rolled back. */
  | 'unit_timeout'
  /** The database cannot be opened or is of an unsupported kind. */
  | 'unavailable'
  /** Another process holds what this one needs for itself (the built-in time-series store's writer lock). */
  | 'busy';

/** An error raised by a store engine with a code callers can act on (a route turns `conflict` into 409). */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** True when `err` is a StoreError with this code. */
export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
