import { ruleKey } from '../../alerts/rules-store.js';
import type { AlertRuleRow } from '../../store/alert-rules.js';

/** The API representation of a rule; `key` is what its alerts carry in `rule`. */
export function ruleToApi(r: AlertRuleRow) {
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
