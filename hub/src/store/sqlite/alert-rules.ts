import type { AlertRuleInput, AlertRuleRepo, AlertRuleRow, BuiltinRule } from '../alert-rules.js';
import type { Severity } from '../alerts.js';
import type { Scope } from './connection.js';

export class SqliteAlertRules implements AlertRuleRepo {
  constructor(private readonly s: Scope) {}

  #get(id: number): AlertRuleRow | undefined {
    return this.s.stmt('SELECT * FROM alert_rules WHERE id = ?').get(id) as AlertRuleRow | undefined;
  }

  list(): Promise<AlertRuleRow[]> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM alert_rules ORDER BY builtin DESC, id').all() as AlertRuleRow[],
    );
  }

  get(id: number): Promise<AlertRuleRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  byName(name: string): Promise<AlertRuleRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM alert_rules WHERE name = ?').get(name) as AlertRuleRow | undefined,
    );
  }

  insert(r: AlertRuleInput, userId: number | null, now: number): Promise<AlertRuleRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO alert_rules (name, kind, builtin, enabled, severity, params, description, created_at, updated_at, created_by)
           VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.name,
          r.kind,
          r.enabled ? 1 : 0,
          r.severity,
          JSON.stringify(r.params),
          r.description ?? null,
          now,
          now,
          userId,
        );
      return this.#get(Number(info.lastInsertRowid)) as AlertRuleRow;
    });
  }

  update(
    id: number,
    r: { name: string; enabled: boolean; severity: Severity; params: unknown; description: string | null },
    now: number,
  ): Promise<AlertRuleRow | undefined> {
    return this.s.run(() => {
      this.s
        .stmt(
          'UPDATE alert_rules SET name = ?, enabled = ?, severity = ?, params = ?, description = ?, updated_at = ? WHERE id = ?',
        )
        .run(r.name, r.enabled ? 1 : 0, r.severity, JSON.stringify(r.params), r.description, now, id);
      return this.#get(id);
    });
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM alert_rules WHERE id = ?').run(id).changes > 0);
  }

  ensureBuiltins(kinds: readonly BuiltinRule[], now: number): Promise<number> {
    return this.s.atomic(() => {
      const insert = this.s.stmt(
        `INSERT INTO alert_rules (name, kind, builtin, enabled, severity, params, description, created_at, updated_at)
         SELECT ?, ?, 1, 1, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM alert_rules WHERE builtin = 1 AND kind = ?)`,
      );
      let created = 0;
      for (const k of kinds) {
        created += insert.run(
          k.kind,
          k.kind,
          k.severity,
          JSON.stringify(k.params),
          k.description,
          now,
          now,
          k.kind,
        ).changes;
      }
      return created;
    });
  }
}
