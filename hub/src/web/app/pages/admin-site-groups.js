// Site groups (customers): admins group sites, then limit users to a group (Users tab).
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { ErrorNote, Field, useAction, useFetch } from '../ui.js';

export function SiteGroupsTab() {
  const groups = useFetch('/site-groups');
  const sites = useFetch('/sites');
  const [name, setName] = useState('');
  const add = useAction(async () => {
    await api('POST', '/site-groups', { name });
    setName('');
    groups.reload();
  });
  const remove = useAction(async (g) => {
    if (!confirm(`Delete site group ${g.name}? Its sites stay, in no group.`)) return;
    await api('DELETE', `/site-groups/${g.id}`);
    groups.reload();
    sites.reload();
  });
  const move = useAction(async (site, groupId) => {
    await api('PUT', `/sites/${site.id}`, { group_id: groupId === '' ? null : Number(groupId) });
    groups.reload();
    sites.reload();
  });
  const list = groups.data?.site_groups ?? [];
  return html`<div>
    <div class="title-row"><h2>Site groups</h2></div>
    <p class="muted">A site group is a customer: users limited to a group see its sites, now and later.</p>
    <${ErrorNote} error=${groups.error ?? sites.error ?? add.error ?? remove.error ?? move.error} />
    <form class="form inline" onSubmit=${(e) => {
      e.preventDefault();
      add.run();
    }}>
      <${Field} label="New group"><input required value=${name} onInput=${(e) => setName(e.target.value)} /></${Field}>
      <button type="submit" class="primary" disabled=${add.busy}>Add group</button>
    </form>
    <div class="table-wrap"><table>
      <thead><tr><th>Group</th><th>Sites</th><th><span class="sr">Actions</span></th></tr></thead>
      <tbody>${list.map(
        (g) => html`<tr><td>${g.name}</td><td>${g.site_count}</td>
          <td><button type="button" class="danger" onClick=${() => remove.run(g)}>Delete</button></td></tr>`,
      )}</tbody>
    </table></div>
    <h3>Sites by group</h3>
    <div class="table-wrap"><table>
      <thead><tr><th>Site</th><th>Group</th></tr></thead>
      <tbody>${(sites.data?.sites ?? []).map(
        (s) => html`<tr><td>${s.name}</td><td>
          <select aria-label=${`Group of ${s.name}`} value=${s.group_id ?? ''} onChange=${(e) => move.run(s, e.target.value)}>
            <option value="">(none)</option>
            ${list.map((g) => html`<option value=${g.id}>${g.name}</option>`)}
          </select></td></tr>`,
      )}</tbody>
    </table></div>
  </div>`;
}
