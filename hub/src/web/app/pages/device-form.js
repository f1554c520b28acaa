// Add or edit a device (SNMP v1/v2c community; secrets are write-only: left empty keeps the stored one).
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, useAction } from '../ui.js';

const TYPES = ['switch', 'router', 'access_point', 'firewall', 'server', 'ups', 'printer', 'other'];

export function DeviceForm({ device, sites, onClose, onSaved }) {
  const [f, setF] = useState({
    name: device?.name ?? '',
    ip_address: device?.ip_address ?? '',
    site_id: device?.site_id ?? sites[0]?.id ?? '',
    device_type: device?.device_type ?? 'switch',
    version: device?.snmp.version ?? '2c',
    port: device?.snmp.port ?? 161,
    community: '',
    poll_interval_s: device?.poll_interval_s ?? 60,
  });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    const snmp = { version: f.version, port: Number(f.port) };
    if (f.community) snmp.community = f.community;
    const body = {
      name: f.name,
      ip_address: f.ip_address,
      site_id: Number(f.site_id),
      device_type: f.device_type,
      poll_interval_s: Number(f.poll_interval_s),
      snmp,
    };
    await api(device ? 'PUT' : 'POST', device ? `/devices/${device.id}` : '/devices', body);
    onSaved();
  });
  const remove = useAction(async () => {
    if (!confirm(`Delete ${device.name} and its history?`)) return;
    await api('DELETE', `/devices/${device.id}`);
    location.hash = '#/devices';
  });
  return html`<${Dialog} title=${device ? `Edit ${device.name}` : 'Add a device'} onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
      <${Field} label="IP address"><input required value=${f.ip_address} onInput=${set('ip_address')} /></${Field}>
      <${Field} label="Site"><select value=${f.site_id} onChange=${set('site_id')}>${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select></${Field}>
      <${Field} label="Type"><select value=${f.device_type} onChange=${set('device_type')}>${TYPES.map((t) => html`<option value=${t}>${t}</option>`)}</select></${Field}>
      <${Field} label="SNMP version"><select value=${f.version} onChange=${set('version')}><option value="2c">v2c</option><option value="1">v1</option></select></${Field}>
      <${Field} label="SNMP port"><input type="number" min="1" max="65535" value=${f.port} onInput=${set('port')} /></${Field}>
      <${Field} label="Community" hint=${device ? 'Leave empty to keep the stored one' : 'Stored encrypted, never shown again'}>
        <input type="password" autocomplete="off" required=${!device} value=${f.community} onInput=${set('community')} /></${Field}>
      <${Field} label="Poll every (s)"><input type="number" min="5" value=${f.poll_interval_s} onInput=${set('poll_interval_s')} /></${Field}>
      <p class="muted">SNMPv3 devices: use the API (<a href="/api/docs">/api/docs</a>).</p>
      <${ErrorNote} error=${save.error ?? remove.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${save.busy}>Save</button>
        ${device && can('admin') ? html`<button type="button" class="danger" onClick=${() => remove.run()}>Delete</button>` : null}
      </div>
    </form>
  </${Dialog}>`;
}
