// One site: its health (what is wrong, agents, open alerts, devices down), its map, the hosts discovery found (accept them in one go), its credential sets, and the Discover
// button. Operators change things; viewers see the map and the lists.
import { api } from '../api.js';
import { ago } from '../format.js';
import { html, useState } from '../html.js';
import { JobProgress } from '../job.js';
import { useLive } from '../live.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, useAction, useFetch, useThrottle } from '../ui.js';
import { BulkImport } from './bulk-import.js';
import { CredentialSets } from './site-credentials.js';
import { SiteHealth } from './site-health.js';
import { SiteMap } from './site-map.js';
import { SiteTraps } from './site-traps.js';

function DiscoverDialog({ siteId, suggested, sets, onClose, onStarted }) {
  const [cidrs, setCidrs] = useState(suggested.join(', '));
  const [ports, setPorts] = useState('554');
  const [snmpPort, setSnmpPort] = useState('161');
  const [chosen, setChosen] = useState([]);
  const [every, setEvery] = useState('');
  const start = useAction(async () => {
    const body = {
      cidrs: cidrs.split(/[\s,]+/).filter(Boolean),
      ports: ports
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number),
      ...(chosen.length ? { credential_set_ids: chosen } : {}),
      ...(snmpPort && Number(snmpPort) !== 161 ? { snmp_port: Number(snmpPort) } : {}),
    };
    if (every)
      await api('PUT', `/sites/${siteId}/discovery-schedule`, { ...body, interval_s: Number(every) * 3600 });
    onStarted((await api('POST', `/sites/${siteId}/discover`, body)).job_id);
  });
  return html`<${Dialog} title="Discover devices and cameras" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      start.run();
    }}>
      <${Field} label="Ranges" hint="IPv4 ranges, e.g. 192.0.2.0/24 (at most a /22 each)"><input required value=${cidrs} onInput=${(e) => setCidrs(e.target.value)} data-testid="discover-cidrs" /></${Field}>
      <${Field} label="Camera ports" hint="TCP ports probed with RTSP OPTIONS"><input value=${ports} onInput=${(e) => setPorts(e.target.value)} data-testid="discover-ports" /></${Field}>
      <${Field} label="SNMP port" hint="161 unless your devices answer elsewhere"><input type="number" min="1" max="65535" value=${snmpPort} onInput=${(e) => setSnmpPort(e.target.value)} data-testid="discover-snmp-port" /></${Field}>
      <fieldset><legend>Credential sets</legend>
        ${sets.length ? sets.map((s) => html`<label class="check"><input type="checkbox" checked=${chosen.includes(s.id)} onChange=${(e) => setChosen(e.target.checked ? [...chosen, s.id] : chosen.filter((x) => x !== s.id))} /> ${s.name}${s.site_id === null ? ' (global)' : ''}</label>`) : html`<p class="muted small">No credential set yet: SNMP devices are found by ping and ports only. Add one below.</p>`}
        <p class="muted small">None ticked: every set of the site, then the global ones.</p>
      </fieldset>
      <${Field} label="Repeat every (hours)" hint="empty: once"><input type="number" min="1" value=${every} onInput=${(e) => setEvery(e.target.value)} /></${Field}>
      <${ErrorNote} error=${start.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${start.busy} data-testid="discover-start">Discover</button></div>
    </form>
  </${Dialog}>`;
}

const STATUS_TEXT = { new: 'new', existing: 'already monitored', changed: 'changed' };

function Discovered({ siteId, data, onChanged }) {
  const [picked, setPicked] = useState([]);
  const [outcome, setOutcome] = useState(null);
  const accept = useAction(async (body) => {
    setOutcome(await api('POST', `/sites/${siteId}/discovered/accept`, body));
    setPicked([]);
    onChanged();
  });
  const hosts = data?.hosts ?? [];
  const fresh = hosts.filter((h) => h.status === 'new');
  return html`<section class="card" data-testid="discovered">
    <div class="title-row"><h2>Discovered (${hosts.length})</h2>
      ${
        can('operator')
          ? html`<div class="actions">
        <button type="button" disabled=${!picked.length || accept.busy} onClick=${() => accept.run({ ips: picked })}>Accept selected (${picked.length})</button>
        <button type="button" class="primary" disabled=${!fresh.length || accept.busy} onClick=${() => accept.run({ all: true })} data-testid="accept-all">Accept all new (${fresh.length})</button></div>`
          : null
      }</div>
    <${ErrorNote} error=${accept.error} />
    ${outcome ? html`<p class="ok" role="status">Created ${outcome.created.length}${outcome.refused.length ? `; not created: ${outcome.refused.map((r) => `${r.ip} (${r.reason})`).join('; ')}` : ''}.</p>` : null}
    ${
      hosts.length
        ? html`<div class="table-wrap"><table>
      <thead><tr>${can('operator') ? html`<th><span class="sr">Select</span></th>` : null}<th>Address</th><th>What</th><th>Name</th><th>Status</th><th>How</th><th>Seen</th></tr></thead>
      <tbody>${hosts.map(
        (h) => html`<tr data-status=${h.status}>
        ${can('operator') ? html`<td><input type="checkbox" aria-label=${`select ${h.ip}`} disabled=${h.status !== 'new'} checked=${picked.includes(h.ip)} onChange=${(e) => setPicked(e.target.checked ? [...picked, h.ip] : picked.filter((x) => x !== h.ip))} /></td>` : null}
        <td>${h.ip}<div class="muted small">${h.found.mac ?? ''}</div></td>
        <td>${[h.found.guess.vendor, h.found.guess.type.replace('_', ' ')].filter(Boolean).join(' ')}${h.found.guess.kind === 'host' ? html` <span class="muted small">(no SNMP credential answered)</span>` : null}</td>
        <td>${h.found.snmp?.sys?.name ?? h.found.onvif?.name ?? '–'}</td>
        <td>${STATUS_TEXT[h.status]}${h.match ? html` <a href=${`#/${h.match.kind}s/${h.match.id}`}>${h.match.name}</a>` : null}${h.changes?.length ? html`<div class="warn small">${h.changes.map((c) => `${c.field}: ${c.was ?? '–'} → ${c.now}`).join(', ')}</div>` : null}</td>
        <td class="small">${h.found.seen_by.join(', ')}${h.found.snmp ? ` · SNMP v${h.found.snmp.version}` : ''}${h.found.snmp_no_credential ? ' · SNMP, no credential accepted' : ''}</td>
        <td title=${h.last_seen}>${ago(h.last_seen)}</td></tr>`,
      )}</tbody></table></div>`
        : html`<p class="muted">Nothing discovered yet. Press Discover.</p>`
    }
  </section>`;
}

function Dependencies({ topology, onChanged }) {
  const pin = useAction(async (n) => {
    await api('PUT', `/${n.kind}s/${n.id}/dependency`, { pinned: n.parent_source !== 'pinned' });
    onChanged();
  });
  const rows = topology.nodes.filter((n) => n.kind !== 'agent');
  const name = new Map(topology.nodes.map((n) => [n.key, n.name]));
  return html`<section class="card"><h2>Upstream parents</h2>
    <p class="muted small">Alerts of a device or camera are held back while its parent is unreachable. Manual parents (set on the device) win; pinned ones stay whatever later readings say.</p>
    <${ErrorNote} error=${pin.error} />
    <div class="table-wrap"><table data-testid="dependencies"><thead><tr><th>Device or camera</th><th>Parent</th><th>From</th><th>Evidence</th>${can('operator') ? html`<th><span class="sr">Pin</span></th>` : null}</tr></thead>
    <tbody>${rows.map(
      (
        n,
      ) => html`<tr><td>${n.name}</td><td>${n.parent_key ? (name.get(n.parent_key) ?? n.parent_key) : '–'}</td><td>${n.parent_source ?? '–'}</td>
      <td class="small">${(n.evidence ?? []).slice(0, 1).join('')}</td>
      ${can('operator') ? html`<td>${n.parent_source === 'inferred' || n.parent_source === 'pinned' ? html`<button type="button" class="link" onClick=${() => pin.run(n)}>${n.parent_source === 'pinned' ? 'Unpin' : 'Pin'}</button>` : null}</td>` : null}</tr>`,
    )}</tbody></table></div></section>`;
}

export function SitePage({ id }) {
  const site = useFetch(`/sites/${id}`);
  const topology = useFetch(`/sites/${id}/topology`);
  const discovered = useFetch(`/sites/${id}/discovered`);
  const sets = useFetch(`/credential-sets?site_id=${id}`);
  const [dialog, setDialog] = useState(false);
  const [job, setJob] = useState(null);
  const reload = useThrottle(() => {
    topology.reload();
    discovered.reload();
  }, 2000);
  useLive('device.status', reload);
  useLive('camera.status', reload);
  useLive('alert.changed', reload);
  useLive('topology.changed', (e) => e.site_id === id && reload());
  if (site.error) return html`<${ErrorNote} error=${site.error} />`;
  const s = site.data;
  if (!s) return html`<p role="status">Loading…</p>`;
  return html`<section>
    <p class="crumbs"><a href="#/">Overview</a> › <a href="#/agents">Agents and sites</a> ›</p>
    <div class="title-row"><h1>${s.name}</h1>
      <div class="actions">
        ${can('operator') ? html`<button type="button" class="primary" onClick=${() => setDialog(true)} data-testid="discover">Discover</button>` : null}
      </div></div>
    ${job ? html`<${JobProgress} jobId=${job} onDone=${() => reload()} />` : null}
    <${SiteHealth} id=${id} />
    <section class="card"><h2>Map</h2>
      <${ErrorNote} error=${topology.error} />
      ${topology.data ? html`<${SiteMap} topology=${topology.data} />` : html`<p role="status">Loading…</p>`}
    </section>
    <${Discovered} siteId=${id} data=${discovered.data} onChanged=${() => {
      discovered.reload();
      topology.reload();
    }} />
    ${topology.data ? html`<${Dependencies} topology=${topology.data} onChanged=${topology.reload} />` : null}
    <section class="card"><h2>Import and export</h2>
      <p class="muted small">CSV with the columns of the export; secrets are never exported (fill them in to import). A dry run shows each line first.</p>
      <${BulkImport} kind="device" siteId=${id} onDone=${reload} />
      <${BulkImport} kind="camera" siteId=${id} onDone=${reload} />
    </section>
    <${CredentialSets} siteId=${id} sets=${sets.data?.sets ?? []} onChanged=${sets.reload} />
    <${SiteTraps} siteId=${id} />
    ${
      dialog
        ? html`<${DiscoverDialog} siteId=${id} suggested=${topology.data?.suggested_ranges ?? []} sets=${sets.data?.sets ?? []} onClose=${() => setDialog(false)} onStarted=${(
            jobId,
          ) => {
            setDialog(false);
            setJob(jobId);
          }} />`
        : null
    }
  </section>`;
}
