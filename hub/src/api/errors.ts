import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger.js';
import { Refusal } from '../refusal.js';
import { isStoreError } from '../store/errors.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An expected failure: its status, a stable machine code, a human message and optional field details. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(status, { message });
  }
}

export const notFound = (what: string, id: string | number) =>
  new ApiError(404, 'not_found', `${what} ${id} not found`);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const unprocessable = (message: string, details?: ErrorDetail[]) =>
  new ApiError(422, 'unprocessable', message, details);
export const forbidden = (message = 'your role does not allow this') =>
  new ApiError(403, 'forbidden', message);
export const unauthorized = (message = 'authentication required') =>
  new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
}

/** Zod issues -> one detail per field path, prefixed with where it came from (body, query, path). */
export function issueDetails(target: string, issues: readonly Issue[]): ErrorDetail[] {
  const where = target === 'json' ? 'body' : target === 'param' ? 'path' : target;
  return issues.flatMap((i) => {
    const base = [where, ...i.path.map(String)];
    if (i.code === 'unrecognized_keys' && i.keys) {
      return i.keys.map((k) => ({ path: [...base, k].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.'), message: i.message }];
  });
}

/** The zod-openapi `defaultHook`: a failed validation becomes a 400 naming every field. */
export function validationHook(
  result: { success: boolean; target: string; error?: { issues: readonly Issue[] } },
  _c: Context,
): void {
  if (!result.success) {
    const details = issueDetails(result.target, result.error?.issues ?? []);
    throw new ApiError(
      400,
      'validation_failed',
      `invalid request: ${details.map((d) => d.path).join(', ')}`,
      details,
    );
  }
}

/** The one error handler: every failure leaves as `{error: {code, message, details?}}`; 500s leak nothing. */
export function errorHandler(logger: Logger) {
  return function onError(err: Error, c: Context): Response {
    const requestId = (c.get('requestId' as never) as string | undefined) ?? undefined;
    if (err instanceof ApiError) {
      const body = {
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      };
      return c.json(body, err.status, err.headers);
    }
    if (err instanceof Refusal) {
      const body = {
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      };
      return c.json(body, err.kind === 'invalid' ? 400 : 422);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const message =
        status === 400 && /JSON/i.test(err.message) ? 'request body is not valid JSON' : err.message;
      return c.json(
        { error: { code: CODES[status] ?? 'error', message: message || 'request failed' } },
        status,
      );
    }
    const code = (err as { code?: string }).code;
    if (code === 'hash_busy') {
      return c.json({ error: { code: 'busy', message: err.message } }, 503, { 'Retry-After': '1' });
    }
    // The store reports unique and foreign-key violations in engine-neutral terms (store/errors.ts).
    if (isStoreError(err, 'conflict')) {
      return c.json(
        { error: { code: 'conflict', message: 'a record with the same unique value exists' } },
        409,
      );
    }
    if (isStoreError(err, 'reference')) {
      return c.json({ error: { code: 'unprocessable', message: 'a referenced record does not exist' } }, 422);
    }
    logger.error({ err, requestId, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(
      { error: { code: 'internal_error', message: 'internal error', request_id: requestId } },
      500,
    );
  };
}
