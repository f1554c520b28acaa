// A site's credential sets (and the global ones): SNMP credentials and camera logins discovery tries in order.
// Secrets are write-only: the list shows only whether one is stored. Operators add and edit a site's sets, admins
// the global ones too.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { can } from '../session.js';
import { ErrorNote, useAction } from '../ui.js';
import { CredentialSetDialog } from './credential-set-dialog.js';

/** Whether an SNMP entry has the secrets its version and security level need (shown as ✓). */
const complete = (c) =>
  c.version !== '3'
    ? c.has_community
    : c.security_level === 'noAuthNoPriv' ||
      (c.has_auth_key && (c.security_level === 'authNoPriv' || c.has_priv_key));

/** A set's entries in order, in words: `SNMP v2c ✓, SNMP v3 monitor ✓; camera viewer ✓`. */
const summary = (s) => {
  const snmp = s.snmp.map(
    (c) => `SNMP v${c.version}${c.username ? ` ${c.username}` : ''}${complete(c) ? ' ✓' : ' (no secret)'}`,
  );
  const camera = s.camera.map((c) => `camera ${c.username}${c.has_password ? ' ✓' : ''}`);
  return `${snmp.join(', ') || 'no SNMP credential'}; ${camera.join(', ') || 'no camera login'}`;
};

export function CredentialSets({ siteId, sets, onChanged }) {
  // null: no dialog; 'new': adding a set; otherwise the set being edited.
  const [editing, setEditing] = useState(null);
  const remove = useAction(async (s) => {
    if (!confirm(`Delete the credential set ${s.name}? Devices using one of its credentials lose it.`))
      return;
    await api('DELETE', `/credential-sets/${s.id}`);
    onChanged();
  });
  return html`<section class="card" data-testid="credential-sets">
    <div class="title-row"><h2>Credential sets</h2>${can('operator') ? html`<button type="button" onClick=${() => setEditing('new')}>Add a set</button>` : null}</div>
    <${ErrorNote} error=${remove.error} />
    ${
      sets.length
        ? html`<ul class="plain">${sets.map(
            (
              s,
            ) => html`<li><strong>${s.name}</strong>${s.site_id === null ? ' (global)' : ''}${`: ${summary(s)} `}
        ${
          can(s.site_id === null ? 'admin' : 'operator')
            ? html` <button type="button" class="link" aria-label=${`Edit ${s.name}`} onClick=${() => setEditing(s)}>Edit</button>${' '}
          <button type="button" class="link" aria-label=${`Delete ${s.name}`} onClick=${() => remove.run(s)}>Delete</button>`
            : null
        }</li>`,
          )}</ul>`
        : html`<p class="muted">None yet.</p>`
    }
    ${
      editing
        ? html`<${CredentialSetDialog} siteId=${siteId} set=${editing === 'new' ? undefined : editing} onClose=${() => setEditing(null)} onSaved=${() => {
            setEditing(null);
            onChanged();
          }} />`
        : null
    }
  </section>`;
}
