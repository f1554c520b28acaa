// Add or edit a camera (the password is write-only: left empty keeps the stored one).
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, useAction } from '../ui.js';

export function CameraForm({ camera, sites, onClose, onSaved }) {
  const [f, setF] = useState({
    name: camera?.name ?? '',
    rtsp_url: camera?.rtsp_url ?? 'rtsp://',
    username: camera?.username ?? '',
    password: '',
    location: camera?.location ?? '',
    site_id: camera?.site_id ?? sites[0]?.id ?? '',
    poe_port: camera?.poe_port ?? '',
  });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    const body = {
      name: f.name,
      rtsp_url: f.rtsp_url,
      site_id: Number(f.site_id),
      location: f.location || null,
      username: f.username || null,
      poe_port: f.poe_port.trim() || null,
      ...(f.password ? { password: f.password } : {}),
    };
    await api(camera ? 'PUT' : 'POST', camera ? `/cameras/${camera.id}` : '/cameras', body);
    onSaved();
  });
  const remove = useAction(async () => {
    if (!confirm(`Delete ${camera.name} and its snapshots?`)) return;
    await api('DELETE', `/cameras/${camera.id}`);
    location.hash = '#/cameras';
  });
  return html`<${Dialog} title=${camera ? `Edit ${camera.name}` : 'Add a camera'} onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
      <${Field} label="RTSP URL" hint="Without credentials, e.g. rtsp://192.0.2.20:554/stream1"><input required value=${f.rtsp_url} onInput=${set('rtsp_url')} /></${Field}>
      <${Field} label="Site"><select value=${f.site_id} onChange=${set('site_id')}>${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select></${Field}>
      <${Field} label="Location"><input value=${f.location} onInput=${set('location')} /></${Field}>
      <${Field} label="PoE port" hint="On the switch it hangs off (its parent on the site map), as the switch numbers it: group.port, e.g. 1.5. A drop of its power is then shown as the likely cause when the camera goes offline."><input autocomplete="off" placeholder="1.5" value=${f.poe_port} onInput=${set('poe_port')} /></${Field}>
      <${Field} label="Username"><input autocomplete="off" value=${f.username} onInput=${set('username')} /></${Field}>
      <${Field} label="Password" hint=${camera?.has_password ? 'Leave empty to keep the stored one' : 'Stored encrypted, never shown again'}>
        <input type="password" autocomplete="off" value=${f.password} onInput=${set('password')} /></${Field}>
      <${ErrorNote} error=${save.error ?? remove.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${save.busy}>Save</button>
        ${camera && can('admin') ? html`<button type="button" class="danger" onClick=${() => remove.run()}>Delete</button>` : null}
      </div>
    </form>
  </${Dialog}>`;
}
