import * as z from 'zod';
import { defineCheckKind } from './types.js';

// "200-399", "200,204,301-302": the statuses that count as up.
const STATUS_LIST = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/** Whether `code` is in a status list such as "200-399,401". */
export function statusMatches(list: string, code: number): boolean {
  return list.split(',').some((part) => {
    const [lo, hi] = part.split('-').map(Number) as [number, number | undefined];
    return code >= lo && code <= (hi ?? lo);
  });
}

/** An HTTP(S) request: status, latency, optional keyword, TLS certificate facts. */
export const http = defineCheckKind({
  kind: 'http',
  description:
    'HTTP(S) request: status code, response time, an optional keyword in the body, TLS certificate days left and issuer',
  params: z
    .object({
      url: z
        .string()
        .max(2048)
        .regex(/^https?:\/\/[^/@\s]+(\/\S*)?$/i, 'must be an http:// or https:// URL without credentials'),
      method: z.enum(['GET', 'HEAD']).default('GET'),
      /** Status codes that count as up, as ranges: "200-399", "200,204,401". */
      expect_status: z
        .string()
        .max(128)
        .regex(STATUS_LIST, 'must be codes or ranges such as "200-399,401"')
        .default('200-399'),
      /** Text that must appear in the first MiB of the body (or must not, with `keyword_absent`). */
      keyword: z.string().min(1).max(256).optional(),
      keyword_absent: z.boolean().default(false),
      /** Redirects followed before giving up (0: a redirect is the answer). */
      max_redirects: z.int().min(0).max(10).default(5),
      /** Verify the certificate chain and host name (turn off for self-signed devices; days left are still read). */
      verify_tls: z.boolean().default(true),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.method === 'HEAD' && p.keyword)
        ctx.addIssue({ code: 'custom', path: ['keyword'], message: 'a HEAD request has no body to search' });
    }),
  target: (p) => p.url,
  metrics: [
    {
      name: 'http_response_ms',
      unit: 'ms',
      description: 'time to the end of the response (body read up to 1 MiB)',
    },
    { name: 'http_status_code', description: 'status code of the last response' },
    {
      name: 'tls_cert_days_left',
      unit: 'days',
      description: 'days until the server certificate expires (https)',
    },
  ],
});
