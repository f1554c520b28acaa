/** Small persistent facts of the alerting service (last daily summary date, config version). */
export interface AlertingStateRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /**
   * Bumps the counter that says rules, windows or channels changed (the engine and dispatcher reload on the
   * next tick, also in other processes sharing the database); returns the new value.
   */
  bumpConfigVersion(): Promise<number>;
  /** The counter ('0' before the first change). */
  configVersion(): Promise<string>;
}
