// Which sites a user may see (a tenant): every site, or some sites and site groups (customers).
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { Dialog, ErrorNote, useAction, useFetch } from '../ui.js';

/** One line about a scope, for lists: "every site", or the names of its sites and groups. */
export function scopeText(scope, sites, groups) {
  if (!scope) return 'every site';
  const name = (list, id) => list?.find((x) => x.id === id)?.name ?? `#${id}`;
  const parts = [
    ...scope.groups.map((id) => `${name(groups, id)} (group)`),
    ...scope.sites.map((id) => name(sites, id)),
  ];
  return parts.length ? parts.join(', ') : 'no site';
}

/** Checkboxes for a scope: every site, or the chosen sites and groups. `value` null is every site. */
export function ScopeFields({ value, onChange, sites, groups, disabled }) {
  const limited = value !== null;
  const toggle = (key, id) => (e) => {
    const list = new Set(value[key]);
    if (e.target.checked) list.add(id);
    else list.delete(id);
    onChange({ ...value, [key]: [...list] });
  };
  return html`<fieldset class="scope" disabled=${disabled}>
    <legend>Sites this user sees</legend>
    <label><input type="radio" name="scope-kind" checked=${!limited} onChange=${() => onChange(null)} /> Every site</label>
    <label><input type="radio" name="scope-kind" checked=${limited} onChange=${() => onChange({ sites: [], groups: [] })} /> Only these sites and site groups</label>
    ${
      limited
        ? html`<div class="scope-lists">
        <div><h3 class="small">Site groups</h3>${(groups ?? []).map(
          (g) =>
            html`<label><input type="checkbox" checked=${value.groups.includes(g.id)} onChange=${toggle('groups', g.id)} /> ${g.name}</label>`,
        )}${groups?.length ? null : html`<p class="muted small">No site groups yet.</p>`}</div>
        <div><h3 class="small">Sites</h3>${(sites ?? []).map(
          (s) =>
            html`<label><input type="checkbox" checked=${value.sites.includes(s.id)} onChange=${toggle('sites', s.id)} /> ${s.name}</label>`,
        )}</div>
      </div>`
        : null
    }
  </fieldset>`;
}

/** The admin sets a user's scope (admins themselves always see every site). */
export function ScopeDialog({ user, onClose, onSaved }) {
  const sites = useFetch('/sites');
  const groups = useFetch('/site-groups');
  const [scope, setScope] = useState(user.scope);
  const save = useAction(async () => {
    await api('PUT', `/users/${user.id}`, { scope });
    onSaved();
  });
  return html`<${Dialog} title=${`Sites of ${user.username}`} onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      ${user.role === 'admin' ? html`<p class="muted">Admins see every site; give the user another role to limit them.</p>` : null}
      <${ScopeFields} value=${scope} onChange=${setScope} sites=${sites.data?.sites} groups=${groups.data?.site_groups} disabled=${user.role === 'admin'} />
      <${ErrorNote} error=${save.error ?? sites.error ?? groups.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy || user.role === 'admin'}>Save</button></div>
    </form>
  </${Dialog}>`;
}
