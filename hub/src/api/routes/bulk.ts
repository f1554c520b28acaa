import { z } from '@hono/zod-openapi';
import { defineRoute } from '../access.js';
import { type BulkKind, exportInventory, importInventory, writeCsv } from '../bulk/apply.js';
import { ImportFormatError, readCsv, readJson } from '../bulk/csv.js';
import { ApiError } from '../errors.js';
import { errors, json } from '../schemas.js';
import type { RouteModule } from '../types.js';

const LineSchema = z
  .object({
    line: z.number().int(),
    action: z.enum(['create', 'update', 'unchanged', 'refused']),
    id: z.number().int().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })),
    changes: z.array(z.string()).optional(),
  })
  .openapi('ImportLine');
const OutcomeSchema = z
  .object({
    dry_run: z.boolean(),
    summary: z.object({
      create: z.number().int(),
      update: z.number().int(),
      unchanged: z.number().int(),
      refused: z.number().int(),
    }),
    lines: z.array(LineSchema),
  })
  .openapi('ImportOutcome');

const ImportQuery = z.object({
  dry_run: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .openapi({ description: 'true: report what each line would do, write nothing' }),
});
const ExportQuery = z.object({
  format: z.enum(['csv', 'json']).default('csv'),
  site_id: z.coerce.number().int().positive().optional(),
});

const importRoute = (kind: BulkKind) =>
  defineRoute({
    method: 'post',
    path: `/${kind}s/import`,
    access: 'operator',
    site: 'refuse',
    tags: ['bulk'],
    summary: `Import ${kind}s from CSV (text/csv, a header line) or JSON (an array of objects): dry run, then one transaction`,
    description:
      `${kind === 'device' ? 'Devices are matched by site and IP address' : 'Cameras are matched by site and name'}; ` +
      'each line is planned as create, update (naming the columns), unchanged or refused (line number, column, ' +
      'why). Without dry_run every line that is not refused is applied in one transaction; importing the same ' +
      'file again changes nothing. Secrets left empty keep the stored ones.',
    request: {
      query: ImportQuery,
      // Not marked required: the JSON validator then leaves a CSV body alone (an empty one is refused below).
      body: {
        description: 'CSV with a header line, or a JSON array of objects with the same keys',
        content: {
          'text/csv': { schema: z.string().openapi({ example: 'site,name,ip_address,...' }) },
          'application/json': { schema: z.array(z.record(z.string(), z.unknown())) },
        },
      },
    },
    responses: {
      200: json(OutcomeSchema, 'What each line did (or would do)'),
      ...errors(400, 401, 403, 413, 415),
    },
  });

const exportRoute = (kind: BulkKind) =>
  defineRoute({
    method: 'get',
    path: `/${kind}s/export`,
    access: 'viewer',
    site: 'refuse',
    tags: ['bulk'],
    summary: `Export ${kind}s with the import's columns (secrets always empty), as CSV or JSON`,
    request: { query: ExportQuery },
    responses: {
      200: {
        description: 'The export',
        content: {
          'text/csv': { schema: z.string() },
          'application/json': { schema: z.array(z.record(z.string(), z.unknown())) },
        },
      },
      ...errors(400, 401),
    },
  });

export const bulkRoutes: RouteModule = {
  name: 'bulk',
  register(app, hub) {
    for (const kind of ['device', 'camera'] as const) {
      app.openapi(importRoute(kind), async (c) => {
        const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        const dryRun = ['true', '1'].includes(c.req.valid('query').dry_run ?? '');
        let input: ReturnType<typeof readCsv>;
        try {
          if (type === 'text/csv') input = readCsv(await c.req.text());
          else if (type === 'application/json') input = readJson(c.req.valid('json'));
          else
            throw new ApiError(
              415,
              'unsupported_media_type',
              'Content-Type must be text/csv or application/json',
            );
        } catch (err) {
          if (!(err instanceof ImportFormatError)) throw err;
          throw new ApiError(400, 'validation_failed', err.message, [
            { path: err.line !== undefined ? `body.line.${err.line}` : 'body', message: err.message },
          ]);
        }
        const out = await importInventory(hub, kind, input, dryRun, c.var.user?.role);
        c.set('auditTarget', { type: kind });
        c.set('auditDetails', { dry_run: dryRun, ...out.summary });
        return c.json(out, 200);
      });

      app.openapi(exportRoute(kind), async (c) => {
        const { format, site_id } = c.req.valid('query');
        const { columns, rows } = await exportInventory(hub, kind, site_id);
        if (format === 'json') return c.json(rows, 200);
        return c.body(writeCsv(columns, rows), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${kind}s.csv"`,
        });
      });
    }
  },
};
