// The audit log: every mutating request and every failed login, newest first (for a user limited to some
// sites, the entries of their sites only).
import { query } from '../api.js';
import { when } from '../format.js';
import { html, useState } from '../html.js';
import { ErrorNote, Pager, useFetch } from '../ui.js';

export function AuditTab() {
  const [page, setPage] = useState(1);
  const log = useFetch(`/audit${query({ page, per_page: 50 })}`);
  return html`<div>
    <h2>Audit log</h2>
    <${ErrorNote} error=${log.error} />
    <div class="table-wrap"><table>
      <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Site</th><th>Outcome</th><th>From</th></tr></thead>
      <tbody>${(log.data?.entries ?? []).map(
        (e) => html`<tr>
        <td>${when(e.ts)}</td><td>${e.username ?? '–'}</td><td><code>${e.action}</code></td>
        <td>${e.target_type ?? ''} ${e.target_id ?? ''}</td>
        <td>${e.site_id === null ? '–' : html`<a href=${`#/sites/${e.site_id}`}>${e.site_id}</a>`}</td>
        <td class=${e.outcome === 'success' ? '' : 'warn'}>${e.outcome === 'success' ? '✔' : '✖'} ${e.outcome} ${e.status ?? ''}</td><td>${e.client_ip ?? ''}</td>
      </tr>`,
      )}</tbody>
    </table></div>
    <${Pager} pagination=${log.data?.pagination} onPage=${setPage} />
  </div>`;
}
