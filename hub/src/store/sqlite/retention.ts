import type { RetentionRepo, RetentionRule } from '../retention.js';
import { RETENTION_SQL as SQL } from '../sql-retention.js';
import type { Scope } from './connection.js';

export class SqliteRetention implements RetentionRepo {
  constructor(private readonly s: Scope) {}

  prune(rule: RetentionRule, cutoff: number, limit: number): Promise<number> {
    return this.s.run(() => this.s.stmt(SQL[rule]).run(cutoff, limit).changes);
  }
}
