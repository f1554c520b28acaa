import type { AlertingStateRepo } from '../alerting-state.js';
import type { Scope } from './connection.js';

export class PgAlertingState implements AlertingStateRepo {
  constructor(private readonly s: Scope) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.s.get<{ value: string }>('SELECT value FROM alerting_state WHERE key = ?', key))
      ?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.s.run(
      'INSERT INTO alerting_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  async bumpConfigVersion(): Promise<number> {
    const row = await this.s.get<{ value: string }>(
      `INSERT INTO alerting_state AS a (key, value) VALUES ('config_version', '1')
       ON CONFLICT (key) DO UPDATE SET value = (CAST(a.value AS BIGINT) + 1)::text
       RETURNING value`,
    );
    return Number(row?.value);
  }

  async configVersion(): Promise<string> {
    return (await this.get('config_version')) ?? '0';
  }
}
