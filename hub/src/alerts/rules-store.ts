import type { AlertRuleRepo, AlertRuleRow } from '../store/alert-rules.js';
import { RULE_KINDS, ruleKind } from './rules/index.js';
import type { Severity } from './types.js';

/** The stable identifier stored in `alerts.rule`: the kind for built-ins, `<kind>:<id>` for user rules. */
export function ruleKey(r: Pick<AlertRuleRow, 'id' | 'kind' | 'builtin'>): string {
  return r.builtin === 1 ? r.kind : `${r.kind}:${r.id}`;
}

/** Creates the row of every built-in kind that has none yet, enabled, with its default parameters. */
export function ensureBuiltinRules(rules: AlertRuleRepo, now: number): Promise<number> {
  const builtins = [...RULE_KINDS.values()]
    .filter((k) => k.builtin)
    .map((k) => ({
      kind: k.name,
      severity: k.defaultSeverity,
      params: k.params.parse({}),
      description: k.description,
    }));
  return rules.ensureBuiltins(builtins, now);
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

export async function loadEnabledRules(
  rules: AlertRuleRepo,
  onInvalid: (row: AlertRuleRow, why: string) => void,
): Promise<LoadedRule[]> {
  const out: LoadedRule[] = [];
  for (const row of await rules.list()) {
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
