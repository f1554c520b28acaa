import type { Severity } from './alerts.js';

/** An alert rule as stored: `params` is JSON text, flags are 0 or 1. */
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

export interface AlertRuleInput {
  name: string;
  kind: string;
  enabled: boolean;
  severity: Severity;
  params: unknown;
  description?: string | null;
}

/** A built-in rule kind's row, created once (enabled, default parameters) when missing. */
export interface BuiltinRule {
  kind: string;
  severity: Severity;
  params: unknown;
  description: string;
}

/** Alert rules (built-in kinds, one row each, and user rules). Names are unique. */
export interface AlertRuleRepo {
  /** Built-ins first, then by id. */
  list(): Promise<AlertRuleRow[]>;
  get(id: number): Promise<AlertRuleRow | undefined>;
  byName(name: string): Promise<AlertRuleRow | undefined>;
  insert(r: AlertRuleInput, userId: number | null, now: number): Promise<AlertRuleRow>;
  update(
    id: number,
    r: { name: string; enabled: boolean; severity: Severity; params: unknown; description: string | null },
    now: number,
  ): Promise<AlertRuleRow | undefined>;
  delete(id: number): Promise<boolean>;
  /** Creates the row of every built-in kind that has none (named after its kind); returns how many. */
  ensureBuiltins(kinds: readonly BuiltinRule[], now: number): Promise<number>;
}
