// One camera: latest snapshot, history, stream facts, test, snapshot now, live view.
import { api } from '../api.js';
import { ago, bytes, when } from '../format.js';
import { html, useState } from '../html.js';
import { JobProgress } from '../job.js';
import { useLive } from '../live.js';
import { LiveView } from '../live-view.js';
import { can } from '../session.js';
import { AuthedImage, ErrorNote, Status, useAction, useFetch } from '../ui.js';
import { CameraCharts } from './camera-charts.js';
import { CameraForm } from './camera-form.js';
import { streamText } from './cameras.js';

export function CameraPage({ id }) {
  const camera = useFetch(`/cameras/${id}`);
  const shots = useFetch(`/cameras/${id}/snapshots`);
  const [selected, setSelected] = useState(null);
  const [job, setJob] = useState(null);
  const [live, setLive] = useState(false);
  const [editing, setEditing] = useState(false);
  const sites = useFetch('/sites?per_page=500');
  useLive('camera.status', (e) => e.camera_id === id && camera.reload());
  const test = useAction(async () => setJob((await api('POST', `/cameras/${id}/test`)).job_id));
  const snap = useAction(async () => setJob((await api('POST', `/cameras/${id}/snapshot`)).job_id));
  const c = camera.data;
  if (camera.error) return html`<${ErrorNote} error=${camera.error} />`;
  if (!c) return html`<p role="status">Loading…</p>`;
  const items = shots.data?.items ?? [];
  const shown = selected ?? items[0];
  const path = (s) => (s ? s.url.replace(/^\/api\/v1/, '') : `/cameras/${id}/snapshot`);
  return html`<section>
    <p class="crumbs"><a href="#/cameras">Cameras</a> ›</p>
    <div class="title-row">
      <h1>${c.name} <${Status} value=${c.status} title=${c.status_reason ?? ''} /></h1>
      <div class="actions">
        <button type="button" onClick=${() => setLive(!live)}>${live ? 'Stop live view' : 'Live view'}</button>
        ${
          can('operator')
            ? html`<button type="button" onClick=${() => test.run()} disabled=${test.busy}>Test</button>
          <button type="button" onClick=${() => snap.run()} disabled=${snap.busy}>Snapshot now</button>
          <button type="button" onClick=${() => setEditing(true)}>Edit</button>`
            : null
        }
      </div>
    </div>
    ${c.likely_cause ? html`<${LikelyCause} cause=${c.likely_cause} />` : null}
    <${ErrorNote} error=${test.error ?? snap.error} />
    ${
      job
        ? html`<${JobProgress} jobId=${job} onDone=${() => {
            camera.reload();
            shots.reload();
          }} />`
        : null
    }
    ${live ? html`<${LiveView} cameraId=${id} onClose=${() => setLive(false)} />` : null}
    <div class="grid two">
      <section class="card">
        <h2>Snapshot${shown ? html` <small class="muted">${when(shown.ts)}</small>` : null}</h2>
        ${shown ? html`<${AuthedImage} path=${path(selected)} stamp=${shown.id} alt=${`Snapshot of ${c.name}`} className="shot" />` : html`<p class="muted">No snapshot yet.</p>`}
      </section>
      <section class="card">
        <h2>Stream</h2>
        <dl class="facts">
          <dt>Stream</dt><dd>${streamText(c.stream)}</dd>
          <dt>RTSP URL</dt><dd class="wrap">${c.rtsp_url}</dd>
          <dt>IP address</dt><dd>${c.ip_address}</dd>
          <dt>Location</dt><dd>${c.location ?? '–'}</dd>
          <dt>Last seen</dt><dd>${ago(c.last_seen)}</dd>
          ${c.status_reason ? html`<dt>Reason</dt><dd>${c.status_reason}</dd>` : null}
          ${c.poe_port ? html`<dt>PoE port</dt><dd>${c.poe_port}${c.parent_id ? html` of <a href=${`#/devices/${c.parent_id}`}>its switch</a>` : ' (no parent switch set)'}</dd>` : null}
        </dl>
        <p><a href=${`#/alerts?camera_id=${id}&state=all`}>Alerts of this camera</a></p>
      </section>
    </div>
    <${CameraCharts} cameraId=${id} stamp=${c.last_seen} />
    <section class="card">
      <h2>History</h2>
      ${
        items.length
          ? html`<ul class="history" data-testid="snapshot-history">${items.map(
              (s) => html`<li>
        <button type="button" aria-pressed=${shown?.id === s.id} onClick=${() => setSelected(s)}>${when(s.ts)} <small>${s.width && s.height ? `${s.width}×${s.height} · ` : ''}${bytes(s.bytes)}</small></button>
      </li>`,
            )}</ul>`
          : html`<p class="muted">No snapshots stored.</p>`
      }
    </section>
    ${
      editing
        ? html`<${CameraForm} camera=${c} sites=${sites.data?.sites ?? []} onClose=${() => setEditing(false)} onSaved=${() => {
            setEditing(false);
            camera.reload();
          }} />`
        : null
    }
  </section>`;
}

/** What likely took the camera down (its PoE port stopped delivering power), linked to the switch. */
export function LikelyCause({ cause }) {
  return html`<p class="result bad" role="status" data-testid="likely-cause">Likely cause: <a href=${`#/devices/${cause.device_id}`}>${cause.message}</a></p>`;
}
