// One alert's facts and its notification history (which channels were told, delivered or failing).
import { ago, when } from '../format.js';
import { html } from '../html.js';
import { ErrorNote, useFetch } from '../ui.js';
import { LikelyCause } from './camera.js';

const DELIVERY = { delivered: '✔ delivered', failed: '✖ failed', pending: '… pending' };

export function AlertDetails({ alert }) {
  const notices = useFetch(`/alerts/${alert.id}/notifications`);
  const list = notices.data?.notifications ?? [];
  // A camera alert that is still open says what likely took the camera down (its PoE port lost power).
  const camera = useFetch(
    alert.camera_id && alert.state !== 'resolved' ? `/cameras/${alert.camera_id}` : null,
  );
  return html`<div class="details" data-testid="alert-details">
    ${camera.data?.likely_cause ? html`<${LikelyCause} cause=${camera.data.likely_cause} />` : null}
    <dl class="facts">
      <dt>Rule</dt><dd>${alert.rule ?? 'manual'}</dd>
      <dt>Opened</dt><dd>${when(alert.created_at)}</dd>
      <dt>Last seen</dt><dd>${when(alert.last_seen)}${alert.count > 1 ? ` · ${alert.count} times` : ''}</dd>
      ${alert.resolved_at ? html`<dt>Resolved</dt><dd>${when(alert.resolved_at)}</dd>` : null}
      ${alert.acknowledged_at ? html`<dt>Acknowledged</dt><dd>${when(alert.acknowledged_at)} by ${alert.acknowledged_by_username ?? '–'}</dd>` : null}
      ${alert.suppressed_by ? html`<dt>Not notified</dt><dd>${alert.suppressed_by}</dd>` : null}
    </dl>
    <h3>Notifications</h3>
    <${ErrorNote} error=${notices.error} />
    ${
      list.length
        ? html`<ul class="plain">${list.map(
            (n) => html`<li>
        ${DELIVERY[n.status] ?? n.status} · ${n.kind} to <strong>${n.channel_name ?? `channel ${n.channel_id}`}</strong> (${n.channel_type ?? '?'})
        <small class="muted"> ${ago(n.delivered_at ?? n.created_at)}${n.attempts > 1 ? ` · ${n.attempts} attempts` : ''}</small>
        ${n.last_error ? html`<div class="error small">${n.last_error}</div>` : null}
      </li>`,
          )}</ul>`
        : html`<p class="muted">${notices.loading ? 'Loading…' : 'None sent.'}</p>`
    }
  </div>`;
}
