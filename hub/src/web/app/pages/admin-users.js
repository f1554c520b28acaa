// Users and roles (admin only; the API enforces it).
import { api } from '../api.js';
import { ago } from '../format.js';
import { html, useState } from '../html.js';
import { currentUser } from '../session.js';
import { Dialog, ErrorNote, Field, useAction, useFetch } from '../ui.js';
import { ScopeDialog, ScopeFields, scopeText } from './admin-scope.js';

const ROLES = ['viewer', 'operator', 'admin'];

function UserDialog({ onClose, onSaved, sites, groups }) {
  const [f, setF] = useState({ username: '', email: '', role: 'viewer', password: '', scope: null });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    await api('POST', '/users', {
      username: f.username,
      role: f.role,
      password: f.password,
      ...(f.email ? { email: f.email } : {}),
      ...(f.scope && f.role !== 'admin' ? { scope: f.scope } : {}),
    });
    onSaved();
  });
  return html`<${Dialog} title="Add a user" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Username"><input required value=${f.username} onInput=${set('username')} /></${Field}>
      <${Field} label="Email"><input type="email" value=${f.email} onInput=${set('email')} /></${Field}>
      <${Field} label="Role"><select value=${f.role} onChange=${set('role')}>${ROLES.map((r) => html`<option>${r}</option>`)}</select></${Field}>
      <${ScopeFields} value=${f.role === 'admin' ? null : f.scope} onChange=${(scope) => setF({ ...f, scope })} sites=${sites} groups=${groups} disabled=${f.role === 'admin'} />
      <${Field} label="Password" hint="At least 12 characters"><input type="password" autocomplete="new-password" required value=${f.password} onInput=${set('password')} /></${Field}>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Add user</button></div>
    </form>
  </${Dialog}>`;
}

export function UsersTab() {
  const users = useFetch('/users');
  const sites = useFetch('/sites');
  const groups = useFetch('/site-groups');
  const [adding, setAdding] = useState(false);
  const [scoping, setScoping] = useState(null);
  const me = currentUser();
  const update = useAction(async (u, patch) => {
    await api('PUT', `/users/${u.id}`, patch);
    users.reload();
  });
  const remove = useAction(async (u) => {
    if (!confirm(`Delete user ${u.username}?`)) return;
    await api('DELETE', `/users/${u.id}`);
    users.reload();
  });
  return html`<div>
    <div class="title-row"><h2>Users</h2><button type="button" class="primary" onClick=${() => setAdding(true)}>Add user</button></div>
    <${ErrorNote} error=${users.error ?? update.error ?? remove.error} />
    <div class="table-wrap"><table>
      <thead><tr><th>User</th><th>Role</th><th>Sites</th><th>State</th><th>Last login</th><th><span class="sr">Actions</span></th></tr></thead>
      <tbody>${(users.data?.users ?? []).map(
        (u) => html`<tr>
        <td>${u.username}<div class="muted small">${u.email ?? ''}</div></td>
        <td><select aria-label=${`Role of ${u.username}`} value=${u.role} disabled=${u.id === me.id} onChange=${(e) => update.run(u, { role: e.target.value })}>${ROLES.map((r) => html`<option>${r}</option>`)}</select></td>
        <td>${scopeText(u.scope, sites.data?.sites, groups.data?.site_groups)}
          ${u.role === 'admin' ? null : html` <button type="button" class="small" onClick=${() => setScoping(u)}>Change<span class="sr"> sites of ${u.username}</span></button>`}</td>
        <td>${u.disabled ? 'disabled' : 'active'}</td><td>${ago(u.last_login_at)}</td>
        <td>${
          u.id === me.id
            ? html`<span class="muted">you</span>`
            : html`
          <button type="button" onClick=${() => update.run(u, { disabled: !u.disabled })}>${u.disabled ? 'Enable' : 'Disable'}</button>
          <button type="button" class="danger" onClick=${() => remove.run(u)}>Delete</button>`
        }</td>
      </tr>`,
      )}</tbody>
    </table></div>
    ${
      adding
        ? html`<${UserDialog} sites=${sites.data?.sites} groups=${groups.data?.site_groups} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            users.reload();
          }} />`
        : null
    }
    ${
      scoping
        ? html`<${ScopeDialog} user=${scoping} onClose=${() => setScoping(null)} onSaved=${() => {
            setScoping(null);
            users.reload();
          }} />`
        : null
    }
  </div>`;
}
