import fc from 'fast-check';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema and OpenAPI documents are walked freely
type Json = any;

/** One request the fuzzer sends. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Strings that break naive code: unicode planes, control characters, injections, path tricks, huge. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\r\n',
    '../../etc/passwd',
    '%2e%2e%2f',
    "'; DROP TABLE users; --",
    '<script>alert(1)</script>',
    '{{7*7}}',
    '${jndi:ldap://x}',
    '\u202e\u0661\u{1F4A9}',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    'true',
    'null',
    '__proto__',
    'constructor',
  ),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers at the edges of what JSON, JavaScript and SQLite hold. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 53 - 1,
    2 ** 53 + 2,
    -(2 ** 53),
    2 ** 63,
    1e308,
    -1e308,
    5e-324,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, including deep nesting and wide objects. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue(),
  nastyString,
  edgeNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.integer({ min: 50, max: 2000 }).map((depth) => {
    let v: unknown = 'bottom';
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }),
  fc
    .integer({ min: 100, max: 3000 })
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
);

/** Integers in [min, max], also beyond 32 bits (timestamps in milliseconds). */
function integerIn(min: number, max: number): fc.Arbitrary<number> {
  if (min > max) return fc.constant(min);
  if (min >= -(2 ** 31) && max < 2 ** 31) return fc.integer({ min, max });
  return fc.bigInt({ min: BigInt(Math.ceil(min)), max: BigInt(Math.floor(max)) }).map(Number);
}

/** Strings a JSON Schema pattern accepts, when fast-check can build them from the expression. */
function stringMatching(pattern: string, maxLength?: number): fc.Arbitrary<string> | undefined {
  try {
    const arb = fc.stringMatching(new RegExp(pattern));
    return maxLength === undefined ? arb : arb.filter((v) => v.length <= maxLength);
  } catch {
    return undefined;
  }
}

function resolve(doc: Json, schema: Json): Json {
  let s = schema;
  for (let i = 0; s?.$ref && i < 20; i++) {
    const path = String(s.$ref).replace(/^#\//, '').split('/');
    s = path.reduce((o: Json, k: string) => o?.[k], doc);
  }
  return s ?? {};
}

/**
 * Values that the schema describes (or nearly: bounds and formats are not all honoured, which is part of the
 * point), resolving `$ref`s through the document.
 */
export function fromSchema(doc: Json, schema: Json, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const alts = s.oneOf ?? s.anyOf;
  if (Array.isArray(alts) && alts.length)
    return fc.oneof(...alts.map((a: Json) => fromSchema(doc, a, depth + 1)));
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : ['object'];
  // The document's own example or default is a valid value: used often, so that requests reach handlers.
  const known = [s.example, s.default].filter((v) => v !== undefined);
  const one = (type: string): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer': {
        const min = s.minimum ?? (s.exclusiveMinimum ?? -1) + 1;
        const max = s.maximum ?? 1000;
        return fc.oneof(
          // Ids that exist, when the range allows them.
          ...(min <= 1 && max >= 3 ? [{ weight: 2, arbitrary: fc.constantFrom(1, 2, 3) }] : []),
          { weight: 4, arbitrary: integerIn(min, max) },
          { weight: 1, arbitrary: edgeNumber.map(Math.trunc) },
        );
      }
      case 'number':
        return fc.oneof(
          fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true }),
          edgeNumber,
        );
      case 'string':
        if (typeof s.pattern === 'string') {
          const matching = stringMatching(s.pattern, s.maxLength);
          if (matching)
            return fc.oneof({ weight: 3, arbitrary: matching }, { weight: 1, arbitrary: nastyString });
        }
        return fc.oneof(
          {
            weight: 3,
            arbitrary: fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 60) }),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '192.0.2.10',
              '2001:db8::1',
              'rtsp://192.0.2.20/s',
              '5m',
              '24h',
              'events',
              '2026-01-01T00:00:00Z',
            ),
          },
          { weight: 1, arbitrary: nastyString },
        );
      case 'array':
        return fc.array(fromSchema(doc, s.items ?? {}, depth + 1), {
          maxLength: Math.min(s.maxItems ?? 4, 4),
        });
      default: {
        const props: Record<string, Json> = s.properties ?? {};
        const required = new Set<string>(s.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(props)) record[k] = fromSchema(doc, v, depth + 1);
        // Keys outside `required` are optional: fc.record leaves them out now and then.
        return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) as never[] });
      }
    }
  };
  const typed = fc.oneof(...types.map(one));
  return known.length
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 3, arbitrary: typed })
    : typed;
}

/** A body for a schema: valid-ish, with a field missing, wrong or extra, or any JSON at all. */
export function bodyFor(doc: Json, schema: Json): fc.Arbitrary<unknown> {
  const valid = fromSchema(doc, schema);
  const mutated = fc.tuple(valid, nastyString, anyJson, fc.nat()).map(([v, key, junk, pick]) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return junk;
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    const k = keys[pick % Math.max(1, keys.length)];
    switch (pick % 3) {
      case 0:
        if (k !== undefined) delete o[k]; // a required field missing
        break;
      case 1:
        if (k !== undefined) o[k] = junk; // a field of the wrong type or size
        break;
      default:
        o[key || 'extra'] = junk; // an unknown field
    }
    return o;
  });
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 4, arbitrary: mutated },
    { weight: 2, arbitrary: anyJson },
  );
}

/** A path parameter: an id that exists, one that does not, or garbage. */
export const pathParam: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1', '2', '3'),
  fc.constantFrom(
    '0',
    '-1',
    '999999',
    '1.5',
    '1e3',
    '9007199254740993',
    '99999999999999999999999',
    'agent-0123456789abcdef',
  ),
  nastyString.map((s) => encodeURIComponent(s.slice(0, 200))),
);

/**
 * Requests for one operation of the OpenAPI document: its path with fuzzed parameters, fuzzed query values for
 * its declared parameters (and unknown ones), and, when it takes a body, a fuzzed one (sometimes not JSON, or
 * with a wrong Content-Type).
 */
export function requestsFor(
  doc: Json,
  method: string,
  path: string,
  op: Json,
  token?: string,
): fc.Arbitrary<FuzzRequest> {
  const params: Json[] = op.parameters ?? [];
  const query = params.filter((p) => p.in === 'query');
  const queryArb = fc
    .tuple(
      fc.tuple(
        ...query.map((p) =>
          fc.option(
            fc.oneof(
              fromSchema(doc, p.schema ?? {}).map((v) =>
                typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
              ),
              nastyString.map((s) => s.slice(0, 300)),
            ),
            { nil: undefined },
          ),
        ),
      ),
      fc.option(fc.tuple(nastyString, nastyString), { nil: undefined }),
    )
    .map(([values, extra]) => {
      const q = new URLSearchParams();
      query.forEach((p, i) => {
        const v = values[i];
        if (v !== undefined) q.set(p.name, String(v));
      });
      if (extra) q.set(extra[0].slice(0, 50) || 'x', extra[1].slice(0, 50));
      const s = q.toString();
      return s ? `?${s}` : '';
    });
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const pathArb = fc.tuple(...names.map(() => pathParam)).map((vals) => {
    let i = 0;
    return path.replace(/\{[^}]+\}/g, () => vals[i++] as string);
  });
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const bodyArb: fc.Arbitrary<{ body?: string; type?: string }> = schema
    ? fc.oneof(
        {
          weight: 8,
          arbitrary: bodyFor(doc, schema).map((b) => ({ body: JSON.stringify(b), type: 'application/json' })),
        },
        { weight: 1, arbitrary: nastyString.map((b) => ({ body: b, type: 'application/json' })) },
        { weight: 1, arbitrary: fc.constant({ body: '{"a":1}', type: 'text/plain' }) },
      )
    : method === 'GET' || method === 'HEAD'
      ? fc.constant({})
      : fc.oneof(
          fc.constant({}),
          anyJson.map((b) => ({ body: JSON.stringify(b), type: 'application/json' })),
        );
  return fc.tuple(pathArb, queryArb, bodyArb).map(([p, q, b]) => ({
    method,
    path: `${p}${q}`,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(b.type ? { 'content-type': b.type } : {}),
    },
    ...(b.body !== undefined ? { body: b.body } : {}),
  }));
}
