// Add or edit a credential set: an ordered list of SNMP credentials (v1/v2c communities, v3 users) and camera
// logins that discovery tries in turn. Secrets are write-only: an entry already stored shows whether it has one,
// and an empty field keeps it (the API keeps the omitted secrets of an entry written back with its id).
import { api } from '../api.js';
import { html, useEffect, useState } from '../html.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, refusalIn, useAction } from '../ui.js';
import { SnmpCredentialFields, snmpCredentialBody, snmpState } from './snmp-fields.js';

let keys = 0;
const snmpEntry = (stored) => ({ key: ++keys, id: stored?.id, stored, ...snmpState(stored) });
const cameraEntry = (stored) => ({
  key: ++keys,
  id: stored?.id,
  username: stored?.username ?? '',
  password: '',
  has_password: !!stored?.has_password,
});

/** The list with entry `i` moved by `by` places (-1 up, +1 down). */
function moved(list, i, by) {
  const out = [...list];
  const [e] = out.splice(i, 1);
  out.splice(i + by, 0, e);
  return out;
}

/** The request body of the set: entries in order, each with its id when stored, secrets only when typed. */
export function credentialSetBody({ name, snmp, camera }) {
  return {
    name,
    snmp: snmp.map((e) => ({ ...(e.id ? { id: e.id } : {}), ...snmpCredentialBody(e) })),
    camera: camera.map((e) => ({
      ...(e.id ? { id: e.id } : {}),
      username: e.username,
      ...(e.password ? { password: e.password } : {}),
    })),
  };
}

const FIELDS = {
  name: 'Name',
  version: 'Version',
  community: 'Community',
  username: 'Username',
  security_level: 'Security level',
  auth_protocol: 'Authentication protocol',
  auth_key: 'Authentication key',
  priv_protocol: 'Privacy protocol',
  priv_key: 'Privacy key',
  context: 'Context',
  password: 'Password',
};

/** The dialog's words for a refused field (`body.snmp.1.auth_key` -> `SNMP credential 2, Authentication key`). */
export function fieldName(path) {
  const m = /^body\.(snmp|camera)\.(\d+)(?:\.(\w+))?/.exec(path);
  if (!m) return path.startsWith('body.') ? (FIELDS[path.slice(5)] ?? path.slice(5)) : null;
  const entry = `${m[1] === 'snmp' ? 'SNMP credential' : 'Camera login'} ${Number(m[2]) + 1}`;
  return m[3] ? `${entry}, ${FIELDS[m[3]] ?? m[3]}` : entry;
}

/** Move up / Move down / Remove for entry `n` of `total`, named after the entry for screen readers. */
function EntryActions({ what, n, total, onMove, onRemove }) {
  return html`<div class="actions entry-actions">
    <button type="button" data-action="up" aria-label=${`Move ${what} ${n} up`} disabled=${n === 1} onClick=${() => onMove(-1, 'up')}>↑ Up</button>
    <button type="button" data-action="down" aria-label=${`Move ${what} ${n} down`} disabled=${n === total} onClick=${() => onMove(1, 'down')}>↓ Down</button>
    <button type="button" class="link" aria-label=${`Remove ${what} ${n}`} onClick=${onRemove}>Remove</button>
  </div>`;
}

function entryList(list, setList, setFocus) {
  return {
    change: (i, e) => setList(list.map((x, j) => (j === i ? e : x))),
    move: (i, by, action) => {
      setList(moved(list, i, by));
      // Keep the keyboard on the button pressed, now in the entry's new place (or on its neighbour at an end).
      const to = i + by;
      setFocus({
        key: list[i].key,
        action: to === 0 || to === list.length - 1 ? (by < 0 ? 'down' : 'up') : action,
      });
    },
    remove: (i) => setList(list.filter((_, j) => j !== i)),
  };
}

export function CredentialSetDialog({ siteId, set: existing, onClose, onSaved }) {
  const editing = !!existing;
  const [name, setName] = useState(existing?.name ?? '');
  const [global, setGlobal] = useState(false);
  const [snmp, setSnmp] = useState(() => (existing ? existing.snmp.map(snmpEntry) : [snmpEntry()]));
  const [camera, setCamera] = useState(() => (existing ? existing.camera.map(cameraEntry) : []));
  const [focus, setFocus] = useState(null);
  useEffect(() => {
    if (!focus) return;
    document.querySelector(`[data-entry="${focus.key}"] [data-action="${focus.action}"]`)?.focus();
    setFocus(null);
  }, [focus]);
  const snmpOps = entryList(snmp, setSnmp, setFocus);
  const cameraOps = entryList(camera, setCamera, setFocus);
  const save = useAction(async () => {
    const body = credentialSetBody({ name, snmp, camera });
    const row = editing
      ? await api('PUT', `/credential-sets/${existing.id}`, body)
      : await api('POST', '/credential-sets', { ...body, site_id: global ? null : siteId });
    onSaved(row);
  });
  return html`<${Dialog} title=${editing ? `Edit the credential set ${existing.name}` : 'Add a credential set'} onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required maxlength="100" value=${name} onInput=${(e) => setName(e.target.value)} /></${Field}>
      ${!editing && can('admin') ? html`<label class="check"><input type="checkbox" checked=${global} onChange=${(e) => setGlobal(e.target.checked)} /> For every site (global)</label>` : null}
      <p class="muted small">Discovery tries the SNMP credentials, then the camera logins, in this order. Secrets are write-only: stored encrypted, never shown again.</p>
      <h3>SNMP credentials</h3>
      ${snmp.map((f, i) => {
        const set = (k) => (e) => snmpOps.change(i, { ...f, [k]: e.target.value });
        return html`<fieldset key=${f.key} data-entry=${f.key} data-testid="snmp-entry">
          <legend>SNMP credential ${i + 1}</legend>
          <${SnmpCredentialFields} f=${f} set=${set} stored=${f.stored} editing=${!!f.id} />
          <${EntryActions} what="SNMP credential" n=${i + 1} total=${snmp.length} onMove=${(by, a) => snmpOps.move(i, by, a)} onRemove=${() => snmpOps.remove(i)} />
        </fieldset>`;
      })}
      ${snmp.length ? null : html`<p class="muted small">No SNMP credential: discovery finds SNMP devices by ping and ports only.</p>`}
      <div class="actions"><button type="button" disabled=${snmp.length >= 32} onClick=${() => setSnmp([...snmp, snmpEntry()])}>Add an SNMP credential</button></div>
      <h3>Camera logins</h3>
      ${camera.map(
        (f, i) => html`<fieldset key=${f.key} data-entry=${f.key} data-testid="camera-entry">
          <legend>Camera login ${i + 1}</legend>
          <div class="row">
            <${Field} label="Username"><input required autocomplete="off" maxlength="255" value=${f.username} onInput=${(e) => cameraOps.change(i, { ...f, username: e.target.value })} /></${Field}>
            <${Field} label="Password" hint=${f.id && f.has_password ? 'Stored: leave empty to keep it' : 'Write-only: stored encrypted, never shown again'}>
              <input type="password" autocomplete="new-password" maxlength="255" value=${f.password} onInput=${(e) => cameraOps.change(i, { ...f, password: e.target.value })} /></${Field}>
          </div>
          <${EntryActions} what="camera login" n=${i + 1} total=${camera.length} onMove=${(by, a) => cameraOps.move(i, by, a)} onRemove=${() => cameraOps.remove(i)} />
        </fieldset>`,
      )}
      <div class="actions"><button type="button" disabled=${camera.length >= 32} onClick=${() => setCamera([...camera, cameraEntry()])}>Add a camera login</button></div>
      <${ErrorNote} error=${refusalIn(save.error, fieldName)} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Save</button></div>
    </form>
  </${Dialog}>`;
}
