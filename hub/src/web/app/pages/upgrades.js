// Fleet upgrades: which versions the agents run, the rollout in progress (one site, then a share, then all),
// the signed releases this hub serves, and the upload of a new one.
import { api, upload } from '../api.js';
import { bytes, when } from '../format.js';
import { html, useState } from '../html.js';
import { useLive } from '../live.js';
import { can } from '../session.js';
import { ErrorNote, Field, useAction, useFetch, useThrottle } from '../ui.js';

const AGENT_STATES = ['pending', 'installing', 'upgraded', 'skipped', 'failed', 'rolled_back'];
const label = (s) => s.replace('_', ' ');

function Progress({ counts }) {
  const total = AGENT_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const done = (counts.upgraded ?? 0) + (counts.skipped ?? 0);
  return html`<div class="rollout-progress">
    <progress max=${Math.max(total, 1)} value=${done} aria-label="Agents upgraded"></progress>
    <span>${done} of ${total} selected agents done</span>
    <span class="muted small">${AGENT_STATES.filter((s) => counts[s])
      .map((s) => `${counts[s]} ${label(s)}`)
      .join(' · ')}</span>
  </div>`;
}

function CurrentRollout({ summary, siteName, onChange }) {
  const detail = useFetch(`/rollouts/${summary.id}`);
  const [percent, setPercent] = useState(Math.min(100, Math.max(summary.percent, 10) * 2 || 10));
  const act = useAction(async (path, body) => {
    await api('POST', `/rollouts/${summary.id}/${path}`, body);
    onChange();
    detail.reload();
  });
  const r = detail.data ?? summary;
  const stage =
    r.percent >= 100 ? 'every agent' : r.percent > 0 ? `${r.percent} % of the agents` : 'one site';
  return html`<div class="card" data-testid="rollout-current">
    <h2>Rolling out ${r.version} <small class="muted">(${r.state}, to ${stage}${r.site_id ? `, first site ${siteName(r.site_id)}` : ''})</small></h2>
    ${r.note ? html`<p class=${r.state === 'paused' ? 'warn' : 'muted'}>${r.note}</p>` : null}
    <${Progress} counts=${r.agents} />
    <${ErrorNote} error=${act.error ?? detail.error} />
    ${
      can('admin')
        ? html`<div class="actions">
      ${
        r.percent < 100
          ? html`<label>Widen to <input type="number" min=${r.percent + 1} max="100" value=${percent} style="width:5em" onInput=${(e) => setPercent(Number(e.target.value))} /> %</label>
        <button type="button" onClick=${() => act.run('expand', { percent })} disabled=${act.busy}>Widen</button>
        <button type="button" class="primary" onClick=${() => act.run('expand', { percent: 100 })} disabled=${act.busy}>All agents</button>`
          : null
      }
      ${r.state === 'active' ? html`<button type="button" onClick=${() => act.run('pause')} disabled=${act.busy}>Pause</button>` : null}
      ${r.state === 'paused' ? html`<button type="button" onClick=${() => act.run('resume')} disabled=${act.busy}>Resume</button>` : null}
      <button type="button" class="danger" onClick=${() => confirm(`Cancel the rollout of ${r.version}?`) && act.run('cancel')} disabled=${act.busy}>Cancel</button>
    </div>`
        : null
    }
    <div class="table-wrap"><table data-testid="rollout-agents">
      <thead><tr><th>Agent</th><th>Site</th><th>From</th><th>State</th><th>Since</th><th>Detail</th></tr></thead>
      <tbody>${(detail.data?.agent_list ?? []).map(
        (a) => html`<tr><td>${a.agent_id}</td><td>${siteName(a.site_id)}</td><td>${a.from_version ?? '–'}</td>
          <td class=${a.state === 'failed' || a.state === 'rolled_back' ? 'warn' : ''}>${label(a.state)}</td>
          <td title=${a.since}>${when(a.since)}</td><td class="small">${a.detail ?? ''}</td></tr>`,
      )}</tbody>
    </table></div>
  </div>`;
}

function StartRollout({ releases, sites, onStarted }) {
  const [version, setVersion] = useState(releases[0]?.version ?? '');
  const [site, setSite] = useState(sites[0]?.id ?? '');
  const [confirmS, setConfirmS] = useState(300);
  const start = useAction(async () => {
    await api('POST', '/rollouts', { version, site_id: Number(site), confirm_s: Number(confirmS) });
    onStarted();
  });
  if (!releases.length) return html`<p class="muted">Upload a signed release first.</p>`;
  return html`<form class="form card" onSubmit=${(e) => {
    e.preventDefault();
    start.run();
  }}>
    <h2>Start a rollout</h2>
    <${Field} label="Release"><select value=${version} onChange=${(e) => setVersion(e.target.value)}>${releases.map((r) => html`<option value=${r.version}>${r.version}</option>`)}</select></${Field}>
    <${Field} label="First site" hint="its agents upgrade first; widen to a share of all agents, then all, from here"><select value=${site} onChange=${(e) => setSite(e.target.value)}>${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select></${Field}>
    <${Field} label="Seconds to reach the hub" hint="an agent whose new version has not reached the hub by then goes back to its previous version by itself"><input type="number" min="10" max="86400" value=${confirmS} onInput=${(e) => setConfirmS(e.target.value)} /></${Field}>
    <${ErrorNote} error=${start.error} />
    <div class="actions"><button type="submit" class="primary" disabled=${start.busy || !site}>Start</button></div>
  </form>`;
}

function UploadRelease({ onUploaded }) {
  const [files, setFiles] = useState({});
  const send = useAction(async () => {
    const form = new FormData();
    form.set('bundle', files.bundle);
    form.set('signature', files.signature);
    await upload('/agent-releases', form);
    onUploaded();
  });
  return html`<form class="form card" onSubmit=${(e) => {
    e.preventDefault();
    send.run();
  }}>
    <h2>Upload a release</h2>
    <p class="muted small">The .tgz from <code>node agent/deploy/build.mjs --release</code> and its .sig from <code>outpost-hub release sign</code>.</p>
    <${Field} label="Bundle (.tgz)"><input type="file" accept=".tgz,application/gzip" onChange=${(e) => setFiles({ ...files, bundle: e.target.files[0] })} /></${Field}>
    <${Field} label="Signature (.sig)"><input type="file" accept=".sig,application/json" onChange=${(e) => setFiles({ ...files, signature: e.target.files[0] })} /></${Field}>
    <${ErrorNote} error=${send.error} />
    <div class="actions"><button type="submit" class="primary" disabled=${send.busy || !files.bundle || !files.signature}>Upload</button></div>
  </form>`;
}

export function UpgradesPage() {
  const versions = useFetch('/agent-versions');
  const rollouts = useFetch('/rollouts');
  const releases = useFetch(can('operator') ? '/agent-releases' : null);
  const sites = useFetch('/sites?per_page=500');
  const siteNames = new Map((sites.data?.sites ?? []).map((s) => [s.id, s.name]));
  const siteName = (id) => siteNames.get(id) ?? `#${id}`;
  const reload = useThrottle(() => {
    versions.reload();
    rollouts.reload();
  }, 2000);
  useLive('rollout.changed', reload);
  useLive('agent.status', reload);
  const list = rollouts.data?.rollouts ?? [];
  const current = list.find((r) => r.state === 'active' || r.state === 'paused');
  const key = releases.data?.release_key;
  return html`<section>
    <div class="title-row"><h1>Agent upgrades</h1></div>
    <${ErrorNote} error=${versions.error ?? rollouts.error} />
    <h2>Versions in the fleet</h2>
    <div class="table-wrap"><table data-testid="agent-versions">
      <thead><tr><th>Version</th><th>Agents</th><th>Online</th></tr></thead>
      <tbody>${(versions.data?.versions ?? []).map((v) => html`<tr><td>${v.version ?? 'not reported yet'}</td><td>${v.agents}</td><td>${v.online}</td></tr>`)}
      ${versions.data && versions.data.versions.length === 0 ? html`<tr><td colspan="3" class="muted">No agents enrolled yet.</td></tr>` : null}</tbody>
    </table></div>
    ${current ? html`<${CurrentRollout} key=${current.id} summary=${current} siteName=${siteName} onChange=${reload} />` : null}
    ${!current && can('admin') && releases.data ? html`<${StartRollout} releases=${releases.data.releases} sites=${sites.data?.sites ?? []} onStarted=${reload} />` : null}
    ${
      releases.data
        ? html`<h2>Releases</h2>
    <p class="muted">${key?.configured ? `Releases must be signed with release key ${key.key_id}.` : 'No release key is configured (releasePublicKey): agents cannot be upgraded from this hub.'}</p>
    <div class="table-wrap"><table data-testid="agent-releases">
      <thead><tr><th>Version</th><th>Size</th><th>Node.js</th><th>SHA-256</th><th>Uploaded</th></tr></thead>
      <tbody>${releases.data.releases.map((r) => html`<tr><td>${r.version}</td><td>${bytes(r.size)}</td><td>${r.node}</td><td class="small"><code>${r.sha256.slice(0, 16)}…</code></td><td>${when(r.uploaded_at)}</td></tr>`)}</tbody>
    </table></div>`
        : null
    }
    ${can('admin') && key?.configured ? html`<${UploadRelease} onUploaded=${() => releases.reload()} />` : null}
    <h2>Past rollouts</h2>
    <div class="table-wrap"><table>
      <thead><tr><th>Version</th><th>State</th><th>Agents</th><th>Started</th><th>Note</th></tr></thead>
      <tbody>${list
        .filter((r) => r !== current)
        .map(
          (r) =>
            html`<tr><td>${r.version}</td><td>${r.state}</td><td>${r.agents.upgraded} upgraded${r.agents.failed + r.agents.rolled_back ? `, ${r.agents.failed + r.agents.rolled_back} failed or rolled back` : ''}</td><td>${when(r.created_at)}</td><td class="small">${r.note ?? ''}</td></tr>`,
        )}</tbody>
    </table></div>
  </section>`;
}
