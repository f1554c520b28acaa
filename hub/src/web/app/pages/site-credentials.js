// A site's credential sets (and the global ones): SNMP credentials and camera logins discovery tries in order.
// Secrets are write-only: the list shows only whether one is stored.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, useAction } from '../ui.js';

function SetDialog({ siteId, onClose, onSaved }) {
  const [name, setName] = useState('');
  const [global, setGlobal] = useState(false);
  const [communities, setCommunities] = useState('');
  const [cameraUser, setCameraUser] = useState('');
  const [cameraPass, setCameraPass] = useState('');
  const save = useAction(async () => {
    await api('POST', '/credential-sets', {
      name,
      site_id: global ? null : siteId,
      snmp: communities
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((community) => ({ version: '2c', community })),
      camera: cameraUser ? [{ username: cameraUser, ...(cameraPass ? { password: cameraPass } : {}) }] : [],
    });
    onSaved();
  });
  return html`<${Dialog} title="Add a credential set" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${name} onInput=${(e) => setName(e.target.value)} /></${Field}>
      ${can('admin') ? html`<label class="check"><input type="checkbox" checked=${global} onChange=${(e) => setGlobal(e.target.checked)} /> For every site (global)</label>` : null}
      <${Field} label="SNMP v2c communities" hint="tried in this order; SNMPv3 users through the API"><input type="password" autocomplete="off" value=${communities} onInput=${(e) => setCommunities(e.target.value)} /></${Field}>
      <${Field} label="Camera username"><input autocomplete="off" value=${cameraUser} onInput=${(e) => setCameraUser(e.target.value)} /></${Field}>
      <${Field} label="Camera password"><input type="password" autocomplete="new-password" value=${cameraPass} onInput=${(e) => setCameraPass(e.target.value)} /></${Field}>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Save</button></div>
    </form>
  </${Dialog}>`;
}

export function CredentialSets({ siteId, sets, onChanged }) {
  const [adding, setAdding] = useState(false);
  const remove = useAction(async (s) => {
    if (!confirm(`Delete the credential set ${s.name}? Devices using one of its credentials lose it.`))
      return;
    await api('DELETE', `/credential-sets/${s.id}`);
    onChanged();
  });
  return html`<section class="card" data-testid="credential-sets">
    <div class="title-row"><h2>Credential sets</h2>${can('operator') ? html`<button type="button" onClick=${() => setAdding(true)}>Add a set</button>` : null}</div>
    <${ErrorNote} error=${remove.error} />
    ${
      sets.length
        ? html`<ul class="plain">${sets.map(
            (s) => html`<li><strong>${s.name}</strong>${s.site_id === null ? ' (global)' : ''}:
        ${s.snmp.map((c) => `SNMP v${c.version}${c.username ? ` ${c.username}` : ''}${c.has_community || c.has_auth_key ? ' ✓' : ' (no secret)'}`).join(', ') || 'no SNMP credential'};
        ${s.camera.map((c) => `camera ${c.username}${c.has_password ? ' ✓' : ''}`).join(', ') || 'no camera login'}
        ${can(s.site_id === null ? 'admin' : 'operator') ? html` <button type="button" class="link" onClick=${() => remove.run(s)}>Delete</button>` : null}</li>`,
          )}</ul>`
        : html`<p class="muted">None yet.</p>`
    }
    ${
      adding
        ? html`<${SetDialog} siteId=${siteId} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            onChanged();
          }} />`
        : null
    }
  </section>`;
}
