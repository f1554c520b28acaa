import type { z } from 'zod';

export type ProtocolErrorCode = 'topic' | 'too_large' | 'encoding' | 'json' | 'version' | 'schema' | 'frame';

export interface FieldIssue {
  /** Dotted path of the field, e.g. `samples.3.ts`; empty for the whole message. */
  path: string;
  message: string;
}

/** Why a payload was refused. `message` names the first field path and reason. */
export interface ProtocolError {
  code: ProtocolErrorCode;
  message: string;
  issues: FieldIssue[];
}

export type Failure = { ok: false; error: ProtocolError };

export function fail(code: ProtocolErrorCode, message: string, issues: FieldIssue[] = []): Failure {
  return { ok: false, error: { code, message, issues } };
}

/** A refusal of one field of a message of `kind`: `invalid batch: samples.3.ts: <reason>`. */
export function fieldFailure(code: ProtocolErrorCode, kind: string, path: string, message: string): Failure {
  return fail(code, `invalid ${kind}: ${path ? `${path}: ` : ''}${message}`, [{ path, message }]);
}

/** Turns zod issues into a refusal; `prefix` is prepended to every path (an event inside a compact batch). */
export function schemaFailure(kind: string, error: z.ZodError, prefix: (string | number)[] = []): Failure {
  const issues = error.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join('.'),
    message: i.message,
  }));
  const first = issues[0];
  const where = first?.path ? `${first.path}: ` : '';
  return fail('schema', `invalid ${kind}: ${where}${first?.message ?? 'invalid'}`, issues);
}
