import type { AlertingStateRepo } from '../alerting-state.js';
import type { Scope } from './connection.js';

export class SqliteAlertingState implements AlertingStateRepo {
  constructor(private readonly s: Scope) {}

  #get(key: string): string | undefined {
    return (
      this.s.stmt('SELECT value FROM alerting_state WHERE key = ?').get(key) as { value: string } | undefined
    )?.value;
  }

  get(key: string): Promise<string | undefined> {
    return this.s.run(() => this.#get(key));
  }

  set(key: string, value: string): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          'INSERT INTO alerting_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        )
        .run(key, value);
    });
  }

  bumpConfigVersion(): Promise<number> {
    return this.s.run(() => {
      this.s
        .stmt(
          `INSERT INTO alerting_state (key, value) VALUES ('config_version', '1')
           ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`,
        )
        .run();
      return Number(this.#get('config_version'));
    });
  }

  configVersion(): Promise<string> {
    return this.s.run(() => this.#get('config_version') ?? '0');
  }
}
