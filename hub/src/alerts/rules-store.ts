import type { Db } from '../store/db.js';
import { RULE_KINDS, ruleKind } from './rules/index.js';
import type { Severity } from './types.js';

export interface AlertRuleRow {
  id: number;
  name: string;
  kind: string;
  builtin: number;
  enabled: number;
  severity: Severity;
  params: string;
  description: string | null;
  created_at: number;
  updated_at: number;
  created_by: number | null;
}

/** The API representation of a rule; `key` is what its alerts carry in `rule`. */
export function ruleView(r: AlertRuleRow) {
  return {
    id: r.id,
    name: r.name,
    key: ruleKey(r),
    kind: r.kind,
    builtin: r.builtin === 1,
    enabled: r.enabled === 1,
    severity: r.severity,
    params: JSON.parse(r.params) as Record<string, unknown>,
    description: r.description,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** The stable identifier stored in `alerts.rule`: the kind for built-ins, `<kind>:<id>` for user rules. */
export function ruleKey(r: Pick<AlertRuleRow, 'id' | 'kind' | 'builtin'>): string {
  return r.builtin === 1 ? r.kind : `${r.kind}:${r.id}`;
}

/** Creates the row of every built-in kind that has none yet, enabled, with its default parameters. */
export function ensureBuiltinRules(db: Db, now: number): void {
  const insert = db.prepare(
    `INSERT INTO alert_rules (name, kind, builtin, enabled, severity, params, description, created_at, updated_at)
     SELECT ?, ?, 1, 1, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM alert_rules WHERE builtin = 1 AND kind = ?)`,
  );
  db.transaction(() => {
    for (const k of RULE_KINDS.values()) {
      if (!k.builtin) continue;
      const params = JSON.stringify(k.params.parse({}));
      insert.run(k.name, k.name, k.defaultSeverity, params, k.description, now, now, k.name);
    }
  })();
}

export function listRules(db: Db): AlertRuleRow[] {
  return db.prepare('SELECT * FROM alert_rules ORDER BY builtin DESC, id').all() as AlertRuleRow[];
}

export function getRule(db: Db, id: number): AlertRuleRow | undefined {
  return db.prepare('SELECT * FROM alert_rules WHERE id = ?').get(id) as AlertRuleRow | undefined;
}

export function ruleByName(db: Db, name: string): AlertRuleRow | undefined {
  return db.prepare('SELECT * FROM alert_rules WHERE name = ?').get(name) as AlertRuleRow | undefined;
}

export function insertRule(
  db: Db,
  r: {
    name: string;
    kind: string;
    enabled: boolean;
    severity: Severity;
    params: unknown;
    description?: string | null;
  },
  userId: number | null,
  now: number,
): AlertRuleRow {
  const info = db
    .prepare(
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
  return getRule(db, Number(info.lastInsertRowid))!;
}

export function updateRule(
  db: Db,
  id: number,
  r: { name: string; enabled: boolean; severity: Severity; params: unknown; description: string | null },
  now: number,
): AlertRuleRow {
  db.prepare(
    'UPDATE alert_rules SET name = ?, enabled = ?, severity = ?, params = ?, description = ?, updated_at = ? WHERE id = ?',
  ).run(r.name, r.enabled ? 1 : 0, r.severity, JSON.stringify(r.params), r.description, now, id);
  return getRule(db, id)!;
}

export function deleteRule(db: Db, id: number): void {
  db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id);
}

/** A rule ready to evaluate: its kind and parsed parameters. Rows that no longer parse are reported. */
export interface LoadedRule {
  id: number;
  key: string;
  name: string;
  kind: string;
  severity: Severity;
  params: unknown;
}

export function loadEnabledRules(db: Db, onInvalid: (row: AlertRuleRow, why: string) => void): LoadedRule[] {
  const out: LoadedRule[] = [];
  for (const row of listRules(db)) {
    if (row.enabled !== 1) continue;
    const kind = ruleKind(row.kind);
    if (!kind) {
      onInvalid(row, `unknown rule kind "${row.kind}"`);
      continue;
    }
    const parsed = kind.params.safeParse(JSON.parse(row.params));
    if (!parsed.success) {
      onInvalid(row, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      continue;
    }
    out.push({
      id: row.id,
      key: ruleKey(row),
      name: row.name,
      kind: row.kind,
      severity: row.severity,
      params: parsed.data,
    });
  }
  return out;
}
