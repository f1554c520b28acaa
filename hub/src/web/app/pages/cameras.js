// Cameras: a grid of latest snapshots with status and stream facts.
import { query } from '../api.js';
import { ago } from '../format.js';
import { html, useState } from '../html.js';
import { useLive } from '../live.js';
import { setParams } from '../router.js';
import { can } from '../session.js';
import { AuthedImage, ErrorNote, Pager, Status, useFetch, useThrottle } from '../ui.js';
import { CameraForm } from './camera-form.js';

export function streamText(s) {
  if (!s) return 'stream not probed yet';
  return [
    s.codec?.toUpperCase(),
    s.width && s.height ? `${s.width}×${s.height}` : null,
    s.fps ? `${Math.round(s.fps)} fps` : null,
    s.bitrate_kbps ? `${Math.round(s.bitrate_kbps)} kbit/s` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function CamerasPage({ params }) {
  const { status = '', site_id = '', q = '', page = '1' } = params;
  const list = useFetch(`/cameras${query({ status, site_id, q, page, per_page: 24 })}`);
  const sites = useFetch('/sites?per_page=500');
  const reload = useThrottle(list.reload, 2000);
  useLive('camera.status', reload);
  const set = (k) => (e) => setParams({ ...params, [k]: e.target.value, page: 1 });
  const [adding, setAdding] = useState(false);
  return html`<section>
    <div class="title-row"><h1>Cameras</h1>${can('operator') ? html`<button type="button" class="primary" onClick=${() => setAdding(true)}>Add camera</button>` : null}</div>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <input type="search" aria-label="Search cameras" placeholder="Search" value=${q} onChange=${set('q')} />
      <select aria-label="Status" value=${status} onChange=${set('status')}>
        <option value="">Any status</option><option>online</option><option>degraded</option><option>offline</option><option>unknown</option>
      </select>
      <select aria-label="Site" value=${site_id} onChange=${set('site_id')}>
        <option value="">All sites</option>${(sites.data?.sites ?? []).map((s) => html`<option value=${s.id}>${s.name}</option>`)}
      </select>
    </form>
    <${ErrorNote} error=${list.error} />
    ${list.data && list.data.cameras.length === 0 ? html`<p class="muted">No cameras. Add one with “Add camera”, or run <code>npm run demo</code>.</p>` : null}
    <ul class="camera-grid" data-testid="camera-grid">
      ${(list.data?.cameras ?? []).map(
        (c) => html`<li class="card camera">
        <a href=${`#/cameras/${c.id}`}>
          ${c.last_snapshot_at ? html`<${AuthedImage} path=${`/cameras/${c.id}/snapshot`} stamp=${c.last_snapshot_at} alt=${`Latest snapshot of ${c.name}`} className="thumb" />` : html`<div class="noimg thumb" role="img" aria-label=${`No snapshot yet of ${c.name}`}>No snapshot yet</div>`}
        </a>
        <div class="camera-meta">
          <strong><a href=${`#/cameras/${c.id}`}>${c.name}</a></strong> <${Status} value=${c.status} title=${c.status_reason ?? ''} />
          <div class="muted small">${streamText(c.stream)}</div>
          <div class="muted small">${c.location ?? ''} ${c.last_snapshot_at ? `· snapshot ${ago(c.last_snapshot_at)}` : ''}</div>
        </div>
      </li>`,
      )}
    </ul>
    <${Pager} pagination=${list.data?.pagination} onPage=${(p) => setParams({ ...params, page: p })} />
    ${
      adding
        ? html`<${CameraForm} sites=${sites.data?.sites ?? []} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            list.reload();
          }} />`
        : null
    }
  </section>`;
}
