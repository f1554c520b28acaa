// Agents and sites: state, version, backlog, drops; sites; enrollment tokens with the exact command to copy.
import { api } from '../api.js';
import { ago, when } from '../format.js';
import { html, useState } from '../html.js';
import { useLive } from '../live.js';
import { can } from '../session.js';
import { invalidateSites } from '../sites.js';
import { CopyBox, Dialog, ErrorNote, Field, Status, useAction, useFetch, useThrottle } from '../ui.js';

function TokenDialog({ sites, onClose }) {
  const [site, setSite] = useState(sites[0]?.id ?? '');
  const [ttl, setTtl] = useState('24h');
  const [result, setResult] = useState(null);
  const create = useAction(async () =>
    setResult(await api('POST', '/agents/enrollment-tokens', { site_id: Number(site), ttl })),
  );
  return html`<${Dialog} title="Enroll an agent" onClose=${onClose}>
    ${
      result
        ? html`<div>
      <p>Run this on the site's machine (the token works once, until ${when(result.expires_at)}):</p>
      <${CopyBox} text=${result.command} />
      <p class="muted">Then start it with <code>outpost-agent run</code> (or the systemd service).</p>
    </div>`
        : html`<form class="form" onSubmit=${(e) => {
            e.preventDefault();
            create.run();
          }}>
      <${Field} label="Site"><select value=${site} onChange=${(e) => setSite(e.target.value)}>${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select></${Field}>
      <${Field} label="Valid for" hint="e.g. 30m, 24h, 7d"><input value=${ttl} onInput=${(e) => setTtl(e.target.value)} /></${Field}>
      <${ErrorNote} error=${create.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${create.busy || !site}>Create token</button></div>
    </form>`
    }
  </${Dialog}>`;
}

function SiteDialog({ onClose, onSaved }) {
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const save = useAction(async () => {
    await api('POST', '/sites', { name, ...(location ? { location } : {}) });
    invalidateSites();
    onSaved();
  });
  return html`<${Dialog} title="Add a site" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${name} onInput=${(e) => setName(e.target.value)} /></${Field}>
      <${Field} label="Location"><input value=${location} onInput=${(e) => setLocation(e.target.value)} /></${Field}>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Add site</button></div>
    </form>
  </${Dialog}>`;
}

export function AgentsPage() {
  const agents = useFetch('/agents');
  const sites = useFetch('/sites?per_page=500');
  const [dialog, setDialog] = useState(null);
  const reload = useThrottle(agents.reload, 2000);
  useLive('agent.status', reload);
  const siteList = sites.data?.sites ?? [];
  const siteName = new Map(siteList.map((s) => [s.id, s.name]));
  const revoke = useAction(async (a) => {
    if (!confirm(`Revoke agent ${a.hostname ?? a.id}? It is disconnected and can no longer log in.`)) return;
    await api('POST', `/agents/${a.id}/revoke`);
    agents.reload();
  });
  return html`<section>
    <div class="title-row"><h1>Agents</h1>
      ${can('admin') ? html`<button type="button" class="primary" onClick=${() => setDialog('token')} disabled=${!siteList.length}>Enroll an agent</button>` : null}</div>
    <${ErrorNote} error=${agents.error ?? revoke.error} />
    <div class="table-wrap"><table data-testid="agents-table">
      <thead><tr><th>Agent</th><th>Site</th><th>Status</th><th>Version</th><th>Backlog</th><th>Dropped</th><th>Last seen</th>${can('admin') ? html`<th><span class="sr">Actions</span></th>` : null}</tr></thead>
      <tbody>${(agents.data?.items ?? []).map(
        (a) => html`<tr>
        <td>${a.hostname ?? '–'}<div class="muted small">${a.id}</div></td>
        <td>${siteName.get(a.site_id) ?? a.site_id}</td>
        <td>${a.revoked_at ? html`<span class="status status-offline">✖ revoked</span>` : html`<${Status} value=${a.status} title=${a.status_reason ?? ''} />`}</td>
        <td>${a.version ?? '–'}</td><td>${a.backlog}</td>
        <td>${a.dropped ? html`<strong class="warn">▲ ${a.dropped}</strong>` : 0}</td>
        <td title=${when(a.last_seen)}>${ago(a.last_seen)}</td>
        ${can('admin') ? html`<td>${a.revoked_at ? null : html`<button type="button" class="danger" onClick=${() => revoke.run(a)}>Revoke</button>`}</td>` : null}
      </tr>`,
      )}
      ${agents.data && agents.data.items.length === 0 ? html`<tr><td colspan="8" class="muted">No agents enrolled yet.</td></tr>` : null}</tbody>
    </table></div>
    <div class="title-row"><h2>Sites</h2>${can('operator') ? html`<button type="button" onClick=${() => setDialog('site')}>Add site</button>` : null}</div>
    <div class="table-wrap"><table>
      <thead><tr><th>Site</th><th>Location</th><th>Time zone</th><th>Devices</th><th>Cameras</th></tr></thead>
      <tbody>${siteList.map((s) => html`<tr><td><a href=${`#/sites/${s.id}`}>${s.name}</a> <small><a href=${`#/devices?site_id=${s.id}`}>devices</a></small></td><td>${s.location ?? '–'}</td><td>${s.timezone}</td><td>${s.device_count ?? '–'}</td><td>${s.camera_count ?? '–'}</td></tr>`)}</tbody>
    </table></div>
    ${dialog === 'token' ? html`<${TokenDialog} sites=${siteList} onClose=${() => setDialog(null)} />` : null}
    ${
      dialog === 'site'
        ? html`<${SiteDialog} onClose=${() => setDialog(null)} onSaved=${() => {
            setDialog(null);
            sites.reload();
          }} />`
        : null
    }
  </section>`;
}
