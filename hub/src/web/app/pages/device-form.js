// Add or edit a device, with SNMP v1/v2c/v3 settings (secrets write-only) and a test: save, then a poll job
// through the site's agent whose result (online with sysName, or why not) is shown in the form.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { JobProgress } from '../job.js';
import { can } from '../session.js';
import { useSites } from '../sites.js';
import { Dialog, ErrorNote, Field, useAction } from '../ui.js';
import { SnmpFields, snmpBody, snmpState } from './snmp-fields.js';

const TYPES = ['switch', 'router', 'access_point', 'firewall', 'server', 'ups', 'printer', 'other'];

/** The outcome of a poll job, in words. */
export function PollResult({ job }) {
  if (!job || !['succeeded', 'failed', 'timed_out', 'cancelled', 'expired'].includes(job.state)) return null;
  const r = job.result ?? {};
  if (job.state !== 'succeeded')
    return html`<div class="result bad" role="status" data-testid="poll-result">✖ The test did not run: ${job.error ?? job.state}</div>`;
  if (r.status === 'online')
    return html`<div class="result good" role="status" data-testid="poll-result">✔ The device answers${r.sys?.name ? html` as <strong>${r.sys.name}</strong>` : ''}: ${r.samples} values read.
      ${r.sys?.descr ? html`<div class="small muted">${r.sys.descr}</div>` : null}</div>`;
  return html`<div class="result bad" role="status" data-testid="poll-result">✖ <strong>${r.status === 'auth_failed' ? 'Credentials refused (auth_failed)' : r.status}</strong>: ${r.error ?? 'no details'}</div>`;
}

export function DeviceForm({ device, onClose, onSaved }) {
  const { sites } = useSites();
  const [saved, setSaved] = useState(device ?? null);
  const [f, setF] = useState({
    name: device?.name ?? '',
    ip_address: device?.ip_address ?? '',
    site_id: device?.site_id ?? '',
    device_type: device?.device_type ?? 'switch',
    mac_address: device?.mac_address ?? '',
    poll_interval_s: device?.poll_interval_s ?? 60,
    // A device without SNMP (an ISP router, a website) is watched by its checks only.
    polled: device ? device.snmp !== null : true,
    ...snmpState(device?.snmp ?? undefined),
  });
  const [jobId, setJobId] = useState(null);
  const [job, setJob] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const siteId = f.site_id || sites[0]?.id || '';
  const save = useAction(async (test) => {
    const body = {
      name: f.name,
      ip_address: f.ip_address,
      site_id: Number(siteId),
      device_type: f.device_type,
      mac_address: f.mac_address.trim() || null,
      poll_interval_s: Number(f.poll_interval_s),
      snmp: f.polled ? snmpBody(f) : null,
    };
    const row = await api(saved ? 'PUT' : 'POST', saved ? `/devices/${saved.id}` : '/devices', body);
    setSaved(row);
    setF((cur) => ({ ...cur, community: '', auth_key: '', priv_key: '' }));
    if (!test || !row.snmp) {
      onSaved(row);
      return;
    }
    setJob(null);
    setJobId((await api('POST', `/devices/${row.id}/poll`)).job_id);
  });
  const remove = useAction(async () => {
    if (!confirm(`Delete ${device.name} and its history?`)) return;
    await api('DELETE', `/devices/${device.id}`);
    location.hash = '#/devices';
  });
  return html`<${Dialog} title=${device ? `Edit ${device.name}` : 'Add a device'} onClose=${() => (saved && !device ? onSaved(saved) : onClose())}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run(e.submitter?.value === 'test');
    }}>
      <div class="row">
        <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
        <${Field} label="IP address"><input required value=${f.ip_address} onInput=${set('ip_address')} /></${Field}>
      </div>
      <div class="row">
        <${Field} label="Site"><select value=${siteId} onChange=${set('site_id')}>${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select></${Field}>
        <${Field} label="Type"><select value=${f.device_type} onChange=${set('device_type')}>${TYPES.map((t) => html`<option value=${t}>${t.replace('_', ' ')}</option>`)}</select></${Field}>
      </div>
      <div class="row">
        <${Field} label="MAC address" hint="Optional, for search"><input autocomplete="off" placeholder="00:1a:2b:3c:4d:5e" value=${f.mac_address} onInput=${set('mac_address')} /></${Field}>
        <${Field} label="Poll every (s)"><input type="number" min="5" value=${f.poll_interval_s} onInput=${set('poll_interval_s')} /></${Field}>
      </div>
      <label class="check"><input type="checkbox" name="polled" checked=${f.polled} onChange=${(e) => setF({ ...f, polled: e.target.checked })} /> Polled by SNMP <small class="muted">(off: an ISP router, a web page, a website, watched by its checks)</small></label>
      ${f.polled ? html`<${SnmpFields} f=${f} set=${set} stored=${saved?.snmp} editing=${!!saved} />` : null}
      ${jobId ? html`<${JobProgress} jobId=${jobId} onDone=${setJob} />` : null}
      <${PollResult} job=${job} />
      <${ErrorNote} error=${save.error ?? remove.error} />
      <div class="actions">
        <button type="submit" class="primary" value="save" disabled=${save.busy}>Save</button>
        <button type="submit" value="test" disabled=${save.busy || !f.polled} title="Save, then poll the device once through its site's agent">Save and test</button>
        ${device && can('admin') ? html`<button type="button" class="danger" onClick=${() => remove.run()}>Delete</button>` : null}
      </div>
    </form>
  </${Dialog}>`;
}
