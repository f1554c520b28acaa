// A site's SNMP trap receiver on its agent: on or off, port and address, communities and SNMPv3 inform users.
// Communities and keys are write-only: the card shows how many are stored and whether each user has its keys.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, useAction, useFetch } from '../ui.js';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS } from './snmp-fields.js';

function TrapsDialog({ siteId, traps, onClose, onSaved }) {
  const [f, setF] = useState({
    enabled: traps.enabled,
    port: traps.port,
    address: traps.address,
    communities: '',
    username: '',
    auth_protocol: 'sha',
    auth_key: '',
    priv_protocol: 'aes',
    priv_key: '',
  });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    // Stored users are sent back by name and protocols: their keys stay.
    const users = traps.users.map(({ username, security_level, auth_protocol, priv_protocol }) => ({
      username,
      security_level,
      ...(auth_protocol ? { auth_protocol } : {}),
      ...(priv_protocol ? { priv_protocol } : {}),
    }));
    if (f.username)
      users.push({
        username: f.username,
        auth_protocol: f.auth_protocol,
        auth_key: f.auth_key,
        priv_protocol: f.priv_protocol,
        priv_key: f.priv_key,
      });
    const communities = f.communities.split(/[\s,]+/).filter(Boolean);
    await api('PUT', `/sites/${siteId}/traps`, {
      enabled: f.enabled,
      port: Number(f.port),
      address: f.address,
      users,
      ...(communities.length ? { communities } : {}),
    });
    onSaved();
  });
  return html`<${Dialog} title="SNMP traps of this site" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <label class="check"><input type="checkbox" checked=${f.enabled} onChange=${(e) => setF({ ...f, enabled: e.target.checked })} /> The agent receives traps</label>
      <div class="row">
        <${Field} label="UDP port" hint="162 needs the agent's traps-port-162 drop-in"><input type="number" min="1" max="65535" value=${f.port} onInput=${set('port')} /></${Field}>
        <${Field} label="Address"><input value=${f.address} onInput=${set('address')} /></${Field}>
      </div>
      <${Field} label="Communities" hint=${traps.communities_set ? `${traps.communities_set} stored; typing replaces them, empty keeps them` : "besides the site devices' own"}><input type="password" autocomplete="off" value=${f.communities} onInput=${set('communities')} /></${Field}>
      <h3>Add an SNMPv3 inform user</h3>
      <div class="row">
        <${Field} label="Username"><input autocomplete="off" value=${f.username} onInput=${set('username')} /></${Field}>
        <${Field} label="Authentication protocol"><select value=${f.auth_protocol} onChange=${set('auth_protocol')}>${AUTH_PROTOCOLS.map((p) => html`<option value=${p}>${p}</option>`)}</select></${Field}>
        <${Field} label="Authentication key"><input type="password" autocomplete="new-password" value=${f.auth_key} onInput=${set('auth_key')} /></${Field}>
      </div>
      <div class="row">
        <${Field} label="Privacy protocol"><select value=${f.priv_protocol} onChange=${set('priv_protocol')}>${PRIV_PROTOCOLS.map((p) => html`<option value=${p}>${p}</option>`)}</select></${Field}>
        <${Field} label="Privacy key"><input type="password" autocomplete="new-password" value=${f.priv_key} onInput=${set('priv_key')} /></${Field}>
      </div>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Save</button></div>
    </form>
  </${Dialog}>`;
}

export function SiteTraps({ siteId }) {
  const traps = useFetch(`/sites/${siteId}/traps`);
  const [editing, setEditing] = useState(false);
  const reset = useAction(async () => {
    await api('DELETE', `/sites/${siteId}/traps`);
    traps.reload();
  });
  const t = traps.data;
  if (!t) return html`<${ErrorNote} error=${traps.error} />`;
  return html`<section class="card" data-testid="site-traps">
    <div class="title-row"><h2>SNMP traps</h2>
      ${
        can('operator')
          ? html`<div class="actions"><button type="button" onClick=${() => setEditing(true)}>Edit</button>
        ${t.own ? html`<button type="button" onClick=${() => reset.run()}>Use the hub-wide settings</button>` : null}</div>`
          : null
      }
    </div>
    <p>${t.enabled ? `The agent receives traps on udp/${t.port} (${t.address})` : 'The agent does not receive traps'}
      <small class="muted">${t.own ? ' · settings of this site' : ' · the hub-wide settings'}</small></p>
    <p class="small muted">${t.communities_set} communit${t.communities_set === 1 ? 'y' : 'ies'} stored${
      t.users.length
        ? `; SNMPv3 inform users: ${t.users.map((u) => `${u.username} (${u.security_level}${u.has_auth_key ? '' : ', no key'})`).join(', ')}`
        : ''
    }. Point the devices' trap destination at the agent's address and this port.</p>
    <${ErrorNote} error=${reset.error} />
    ${
      editing
        ? html`<${TrapsDialog} siteId=${siteId} traps=${t} onClose=${() => setEditing(false)} onSaved=${() => {
            setEditing(false);
            traps.reload();
          }} />`
        : null
    }
  </section>`;
}
