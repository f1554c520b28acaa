// Bulk import of devices or cameras from a CSV file: a dry run shows what each line would do (refused lines
// with their line number, column and why), then Import applies it in one transaction.
import { download, sendText } from '../api.js';
import { html, useState } from '../html.js';
import { can } from '../session.js';
import { ErrorNote, useAction } from '../ui.js';

export function BulkImport({ kind, siteId, onDone }) {
  const [text, setText] = useState(null);
  const [plan, setPlan] = useState(null);
  const [done, setDone] = useState(null);
  const dry = useAction(async (csv) => {
    setDone(null);
    setPlan(await sendText('POST', `/${kind}s/import?dry_run=true`, csv, 'text/csv'));
  });
  const apply = useAction(async () => {
    const out = await sendText('POST', `/${kind}s/import`, text, 'text/csv');
    setDone(out.summary);
    setPlan(null);
    onDone?.();
  });
  const exported = useAction(() =>
    download(`/${kind}s/export?format=csv${siteId ? `&site_id=${siteId}` : ''}`, `${kind}s.csv`),
  );
  const refused = plan?.lines.filter((l) => l.action === 'refused') ?? [];
  return html`<div class="bulk" data-testid=${`bulk-${kind}s`}>
    <div class="actions">
      <button type="button" onClick=${() => exported.run()} disabled=${exported.busy}>Export ${kind}s (CSV)</button>
      ${
        can('operator')
          ? html`<label class="button">Import ${kind}s (CSV)…<input type="file" accept=".csv,text/csv" class="sr" data-testid=${`import-${kind}s`} onChange=${async (
              e,
            ) => {
              const file = e.target.files?.[0];
              if (!file) return;
              const csv = await file.text();
              setText(csv);
              dry.run(csv);
              e.target.value = '';
            }} /></label>`
          : null
      }
    </div>
    <${ErrorNote} error=${exported.error ?? dry.error ?? apply.error} />
    ${
      plan
        ? html`<div role="status" data-testid="import-plan"><p>Would create ${plan.summary.create}, update ${plan.summary.update}, leave ${plan.summary.unchanged} unchanged, refuse ${plan.summary.refused}.</p>
      ${refused.length ? html`<ul class="small">${refused.slice(0, 50).map((l) => html`<li>line ${l.line}: ${l.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}</li>`)}${refused.length > 50 ? html`<li>… ${refused.length - 50} more</li>` : null}</ul>` : null}
      <div class="actions"><button type="button" class="primary" disabled=${apply.busy || plan.summary.create + plan.summary.update === 0} onClick=${() => apply.run()}>Import</button>
      <button type="button" onClick=${() => setPlan(null)}>Cancel</button></div></div>`
        : null
    }
    ${done ? html`<p class="ok" role="status">Imported: ${done.create} created, ${done.update} updated, ${done.unchanged} unchanged, ${done.refused} refused.</p>` : null}
  </div>`;
}
