import { z } from '@hono/zod-openapi';
import { CHECK_KINDS, type CheckKindSpec } from '@outpost/protocol';
import { CHECK_STATUSES, type CheckRow } from '../../store/checks.js';
import { ApiError, type ErrorDetail } from '../errors.js';
import { iso, name } from '../schemas.js';

const Params = z
  .record(z.string(), z.unknown())
  .openapi({ description: "The kind's parameters: GET /checks/kinds gives each kind's schema and defaults" });

const CheckFields = {
  name: name(),
  kind: z
    .string()
    .max(32)
    .openapi({ example: 'http', description: 'icmp, tcp, http, dns (GET /checks/kinds)' }),
  params: Params,
  interval_s: z.number().int().min(5).max(86_400),
  timeout_ms: z.number().int().min(100).max(60_000),
  enabled: z.boolean(),
};

export const CreateCheck = z
  .object({
    device_id: z.number().int().positive(),
    ...CheckFields,
    interval_s: CheckFields.interval_s.default(60),
    timeout_ms: CheckFields.timeout_ms.default(5_000),
    enabled: CheckFields.enabled.default(true),
  })
  .strict()
  .openapi('CreateCheck');

export const UpdateCheck = z.object(CheckFields).partial().strict().openapi('UpdateCheck', {
  description:
    'Only the fields given change. `params` replaces the parameters whole; a new `kind` needs them.',
});

export const CheckSchema = z
  .object({
    id: z.number().int(),
    device_id: z.number().int(),
    site_id: z.number().int(),
    name: z.string(),
    kind: z.string(),
    /** What it looks at, as the kind words it (`192.0.2.1:443`, `https://nvr.local/`). */
    target: z.string(),
    params: z.record(z.string(), z.unknown()),
    interval_s: z.number().int(),
    timeout_ms: z.number().int(),
    enabled: z.boolean(),
    status: z.enum(CHECK_STATUSES),
    status_error: z.string().nullable(),
    status_changed_at: z.string().nullable(),
    last_run_at: z.string().nullable(),
    response_ms: z.number().nullable(),
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Check');

export const CheckKindSchema = z
  .object({
    kind: z.string(),
    description: z.string(),
    params: z.record(z.string(), z.unknown()).openapi({ description: 'JSON Schema of the parameters' }),
    metrics: z.array(z.object({ name: z.string(), unit: z.string().optional(), description: z.string() })),
  })
  .openapi('CheckKind');

/** A kind for the catalogue: its parameters as JSON Schema (defaults included) and its metrics. */
export function kindToApi(spec: CheckKindSpec): z.infer<typeof CheckKindSchema> {
  return {
    kind: spec.kind,
    description: spec.description,
    params: z.toJSONSchema(spec.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    metrics: spec.metrics.map((m) => ({ ...m })),
  };
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** What a check looks at, as its kind words it; the kind name when the params no longer parse. */
export function checkTarget(kind: string, params: Record<string, unknown>): string {
  const spec = CHECK_KINDS.get(kind);
  const parsed = spec?.params.safeParse(params);
  return spec && parsed?.success ? spec.target(parsed.data) : kind;
}

export function checkToApi(r: CheckRow): z.infer<typeof CheckSchema> {
  const params = parseObject(r.params) ?? {};
  return {
    id: r.id,
    device_id: r.device_id,
    site_id: r.site_id,
    name: r.name,
    kind: r.kind,
    target: checkTarget(r.kind, params),
    params,
    interval_s: r.interval_s,
    timeout_ms: r.timeout_ms,
    enabled: r.enabled,
    status: r.status as (typeof CHECK_STATUSES)[number],
    status_error: r.status_error,
    status_changed_at: iso(r.status_changed_at),
    last_run_at: iso(r.last_run_at),
    response_ms: r.response_ms,
    facts: parseObject(r.facts) as z.infer<typeof CheckSchema>['facts'],
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
  };
}

/**
 * The params of a known kind, validated and with the kind's defaults filled, or a 400 naming each field
 * (`body.params.port`). Only kinds this hub knows can be stored: an agent could not report on any other.
 */
export function resolveParams(kind: string, params: Record<string, unknown>): Record<string, unknown> {
  const spec = CHECK_KINDS.get(kind);
  if (!spec) {
    throw invalid([
      { path: 'body.kind', message: `unknown check kind; one of ${[...CHECK_KINDS.keys()].join(', ')}` },
    ]);
  }
  const parsed = spec.params.safeParse(params);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  throw invalid(
    parsed.error.issues.flatMap((i) => {
      const base = ['body', 'params', ...i.path.map(String)];
      const keys = (i as { keys?: string[] }).keys;
      if (i.code === 'unrecognized_keys' && keys)
        return keys.map((k) => ({ path: [...base, k].join('.'), message: 'unknown field' }));
      return [{ path: base.join('.'), message: i.message }];
    }),
  );
}

function invalid(details: ErrorDetail[]): ApiError {
  return new ApiError(
    400,
    'validation_failed',
    `invalid request: ${details.map((d) => d.path).join(', ')}`,
    details,
  );
}
