import type { AlertRuleInput, AlertRuleRepo, AlertRuleRow, BuiltinRule } from '../alert-rules.js';
import type { Severity } from '../alerts.js';
import type { Scope } from './connection.js';

export class PgAlertRules implements AlertRuleRepo {
  constructor(private readonly s: Scope) {}

  list(): Promise<AlertRuleRow[]> {
    return this.s.all<AlertRuleRow>('SELECT * FROM alert_rules ORDER BY builtin DESC, id');
  }

  get(id: number): Promise<AlertRuleRow | undefined> {
    return this.s.get<AlertRuleRow>('SELECT * FROM alert_rules WHERE id = ?', id);
  }

  byName(name: string): Promise<AlertRuleRow | undefined> {
    return this.s.get<AlertRuleRow>('SELECT * FROM alert_rules WHERE lower(name) = lower(?)', name);
  }

  async insert(r: AlertRuleInput, userId: number | null, now: number): Promise<AlertRuleRow> {
    return (await this.s.get<AlertRuleRow>(
      `INSERT INTO alert_rules (name, kind, builtin, enabled, severity, params, description, created_at, updated_at, created_by)
       VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      r.name,
      r.kind,
      r.enabled ? 1 : 0,
      r.severity,
      JSON.stringify(r.params),
      r.description ?? null,
      now,
      now,
      userId,
    )) as AlertRuleRow;
  }

  update(
    id: number,
    r: { name: string; enabled: boolean; severity: Severity; params: unknown; description: string | null },
    now: number,
  ): Promise<AlertRuleRow | undefined> {
    return this.s.get<AlertRuleRow>(
      `UPDATE alert_rules SET name = ?, enabled = ?, severity = ?, params = ?, description = ?, updated_at = ?
       WHERE id = ? RETURNING *`,
      r.name,
      r.enabled ? 1 : 0,
      r.severity,
      JSON.stringify(r.params),
      r.description,
      now,
      id,
    );
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM alert_rules WHERE id = ?', id)) > 0;
  }

  ensureBuiltins(kinds: readonly BuiltinRule[], now: number): Promise<number> {
    return this.s.atomic(async (s) => {
      let created = 0;
      // Two hubs starting together: the name's unique index turns the second insert into nothing.
      for (const k of kinds) {
        created += await s.run(
          `INSERT INTO alert_rules (name, kind, builtin, enabled, severity, params, description, created_at, updated_at)
           SELECT ?::text, ?::text, 1, 1, ?, ?, ?, ?, ?
           WHERE NOT EXISTS (SELECT 1 FROM alert_rules WHERE builtin = 1 AND kind = ?)
           ON CONFLICT DO NOTHING`,
          k.kind,
          k.kind,
          k.severity,
          JSON.stringify(k.params),
          k.description,
          now,
          now,
          k.kind,
        );
      }
      return created;
    });
  }
}
