import type * as z from 'zod';

/** A metric a check kind produces, for the docs and the hub's metric catalogue. */
export interface CheckMetric {
  name: string;
  unit?: string;
  description: string;
}

/**
 * The contract of one check kind: its name, what its `params` hold and which metrics it produces. The agent's
 * runner for the kind lives in `agent/src/checks/<kind>.ts`; the hub validates params with `params`.
 */
export interface CheckKindSpec<P = unknown> {
  kind: string;
  description: string;
  params: z.ZodType<P>;
  /** What the check looks at, for lists and messages (`192.0.2.1`, `https://nvr.local/`, `8.8.8.8 -> example.org`). */
  target(params: P): string;
  metrics: readonly CheckMetric[];
}

/** Helper for spec files: keeps the params typed by the schema. */
export function defineCheckKind<S extends z.ZodType>(spec: CheckKindSpec<z.output<S>> & { params: S }) {
  return spec;
}
