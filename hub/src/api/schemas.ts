import { z } from '@hono/zod-openapi';

/** The one error body. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (validation_failed names each field path)',
  401: 'Missing, expired or invalid access token',
  403: 'Your role does not allow this',
  404: 'Not found',
  409: 'Conflicts with an existing record',
  413: 'Request body too large',
  415: 'Content-Type must be application/json',
  422: 'Refers to something that does not exist or cannot be done',
  429: 'Too many attempts; see Retry-After',
};

/** OpenAPI entries for the error statuses a route can answer. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_TEXT[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  );
}

/** A JSON response entry. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A required JSON request body. */
export function body<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export const IdParam = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'must be a positive integer')
    .transform(Number)
    .openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 1 }),
});

export const PaginationSchema = z
  .object({
    page: z.number().int(),
    pages: z.number().int(),
    per_page: z.number().int(),
    total: z.number().int(),
  })
  .openapi('Pagination');

export const PageQuery = {
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
};

export function pagination(page: number, perPage: number, total: number) {
  return { page, pages: Math.max(1, Math.ceil(total / perPage)), per_page: perPage, total };
}

/** Free text: trimmed, no control characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => ![...s].some(isControl), 'must not contain control characters');

function isControl(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

export const name = () => text(200).pipe(z.string().min(1, 'must not be empty'));

/** `2026-01-01T00:00:00Z` or epoch seconds -> ms. */
export const Instant = z
  .string()
  .transform((v, ctx) => {
    if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
    const t = Date.parse(v);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: 'must be ISO 8601 or epoch seconds' });
      return z.NEVER;
    }
    return t;
  })
  .openapi({ type: 'string', example: '2026-01-01T00:00:00Z' });

export const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export const OkSchema = z.object({ ok: z.literal(true) }).openapi('Ok');
