// One device: identity, checks, interfaces, custom OIDs, charts, recent alerts, events (traps), poll now with the
// job's progress.
import { api, query } from '../api.js';
import { ago, duration, when } from '../format.js';
import { html, useEffect, useState } from '../html.js';
import { JobProgress } from '../job.js';
import { useLive } from '../live.js';
import { can } from '../session.js';
import { useSites } from '../sites.js';
import { ErrorNote, Severity, Status, useAction, useFetch, useThrottle } from '../ui.js';
import { DeviceCharts } from './device-charts.js';
import { DeviceChecks } from './device-checks.js';
import { DeviceCustomOids } from './device-custom-oids.js';
import { DeviceEvents } from './device-events.js';
import { DeviceForm } from './device-form.js';
import { DeviceHealth } from './device-health.js';
import { Interfaces, loadInterfaces } from './device-interfaces.js';

export function DevicePage({ id }) {
  const device = useFetch(`/devices/${id}`);
  const alerts = useFetch(`/alerts${query({ device_id: id, per_page: 10 })}`);
  const { byId } = useSites();
  const [job, setJob] = useState(null);
  const [editing, setEditing] = useState(false);
  const [stamp, setStamp] = useState(0);
  const [ifs, setIfs] = useState({ rows: null, error: null });
  useEffect(() => {
    loadInterfaces(id).then(
      (rows) => setIfs({ rows, error: null }),
      (error) => setIfs({ rows: null, error }),
    );
  }, [id, stamp]);
  const refresh = useThrottle(() => setStamp((s) => s + 1), 15_000);
  useEffect(() => {
    const t = setInterval(refresh, 60_000);
    return () => clearInterval(t);
  }, []);
  useLive('device.status', (e) => {
    if (e.device_id !== id) return;
    device.reload();
    refresh();
  });
  useLive('alert.changed', (e) => e.alert?.device_id === id && alerts.reload());
  const poll = useAction(async () => setJob((await api('POST', `/devices/${id}/poll`)).job_id));
  const d = device.data;
  if (device.error) return html`<${ErrorNote} error=${device.error} />`;
  if (!d) return html`<p role="status">Loading…</p>`;
  const site = byId.get(d.site_id);
  return html`<section>
    <p class="crumbs"><a href="#/devices">Devices</a> ›</p>
    <div class="title-row">
      <h1>${d.name} <${Status} value=${d.status} /></h1>
      <div class="actions">
        ${
          can('operator')
            ? html`${d.snmp ? html`<button type="button" onClick=${() => poll.run()} disabled=${poll.busy}>Poll now</button>` : null}
          <button type="button" onClick=${() => setEditing(true)}>Edit</button>`
            : null
        }
      </div>
    </div>
    <${ErrorNote} error=${poll.error} />
    ${
      job
        ? html`<${JobProgress} jobId=${job} onDone=${() => {
            device.reload();
            setStamp((s) => s + 1);
          }} />`
        : null
    }
    <div class="grid two">
      <section class="card">
        <h2>Identity</h2>
        <dl class="facts">
          <dt>IP address</dt><dd>${d.ip_address}</dd>
          <dt>Site</dt><dd>${site ? html`<a href=${`#/sites/${site.id}`}>${site.name}</a>` : d.site_id}</dd>
          <dt>Type</dt><dd>${d.device_type.replace('_', ' ')}${d.vendor ? ` · ${d.vendor}` : ''}</dd>
          <dt>sysName</dt><dd>${d.sys_name ?? '–'}</dd>
          <dt>sysDescr</dt><dd class="wrap">${d.sys_descr ?? '–'}</dd>
          <dt>sysObjectID</dt><dd>${d.sys_object_id ?? '–'}</dd>
          <dt>Uptime</dt><dd>${duration(d.uptime_s)}</dd>
          ${d.mac_address ? html`<dt>MAC</dt><dd>${d.mac_address}</dd>` : null}
          <dt>SNMP</dt><dd data-testid="snmp">${d.snmp ? `v${d.snmp.version}${d.snmp.version === '3' ? ` as ${d.snmp.username} (${d.snmp.security_level})` : ''}, port ${d.snmp.port}, every ${d.poll_interval_s} s` : 'none: watched by its checks'}</dd>
          <dt>Last seen</dt><dd title=${when(d.last_seen)}>${ago(d.last_seen)}</dd>
          ${d.status_error ? html`<dt>Why</dt><dd class="error" data-testid="status-error">${d.status_error}</dd>` : null}
        </dl>
      </section>
      <section class="card">
        <h2>Recent alerts</h2>
        ${
          alerts.data?.alerts?.length
            ? html`<ul class="plain">${alerts.data.alerts.map(
                (a) => html`<li>
          <${Severity} value=${a.severity} /> ${a.title} <small class="muted">${a.state} · ${ago(a.created_at)}</small></li>`,
              )}</ul>`
            : html`<p class="muted">No alerts.</p>`
        }
        <p><a href=${`#/alerts?device_id=${id}`}>All alerts of this device</a></p>
      </section>
    </div>
    <${DeviceChecks} device=${d} />
    ${d.snmp ? html`<${DeviceHealth} deviceId=${id} stamp=${stamp} />` : null}
    ${d.snmp ? html`<${Interfaces} rows=${ifs.rows} error=${ifs.error} />` : null}
    ${d.snmp ? html`<${DeviceCustomOids} deviceId=${id} stamp=${stamp} />` : null}
    <${DeviceCharts} deviceId=${id} interfaces=${ifs.rows} stamp=${stamp} />
    <${DeviceEvents} device=${d} />
    ${
      editing
        ? html`<${DeviceForm} device=${d} onClose=${() => setEditing(false)} onSaved=${() => {
            setEditing(false);
            device.reload();
          }} />`
        : null
    }
  </section>`;
}
