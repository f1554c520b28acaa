// Notification channels (email, Slack, webhook): list, add, enable/disable, test, delete. Secrets are write-only.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { Dialog, ErrorNote, Field, SEVERITIES, Severity, useAction, useFetch } from '../ui.js';

const EXAMPLES = {
  webhook: {
    config: '{"url": "https://noc.example.com/outpost"}',
    secrets: '{"hmac_secret": "a-long-random-shared-secret"}',
  },
  slack: { config: '{}', secrets: '{"webhook_url": "https://hooks.slack.com/services/..."}' },
  email: {
    config:
      '{"host": "smtp.example.com", "port": 587, "from": "outpost@example.com", "to": ["noc@example.com"]}',
    secrets: '{}',
  },
};

function parseJson(label, text) {
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw new Error(`${label} is not valid JSON`);
  }
}

function ChannelDialog({ onClose, onSaved }) {
  const [f, setF] = useState({ name: '', type: 'webhook', min_severity: 'high', ...EXAMPLES.webhook });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    await api('POST', '/notification-channels', {
      name: f.name,
      type: f.type,
      min_severity: f.min_severity,
      config: parseJson('config', f.config),
      secrets: parseJson('secrets', f.secrets),
    });
    onSaved();
  });
  return html`<${Dialog} title="Add a notification channel" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
      <${Field} label="Type"><select value=${f.type} onChange=${(e) => setF({ ...f, type: e.target.value, ...EXAMPLES[e.target.value] })}>
        ${Object.keys(EXAMPLES).map((t) => html`<option>${t}</option>`)}</select></${Field}>
      <${Field} label="Lowest severity sent"><select value=${f.min_severity} onChange=${set('min_severity')}>${SEVERITIES.map((s) => html`<option>${s}</option>`)}</select></${Field}>
      <${Field} label="Settings (JSON)"><textarea rows="3" value=${f.config} onInput=${set('config')}></textarea></${Field}>
      <${Field} label="Secrets (JSON, write-only)"><textarea rows="2" value=${f.secrets} onInput=${set('secrets')}></textarea></${Field}>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Add channel</button></div>
    </form>
  </${Dialog}>`;
}

export function ChannelsTab() {
  const list = useFetch('/notification-channels');
  const [adding, setAdding] = useState(false);
  const [tested, setTested] = useState({});
  const act = useAction(async (fn) => {
    await fn();
    list.reload();
  });
  const test = useAction(async (c) => {
    const r = await api('POST', `/notification-channels/${c.id}/test`);
    setTested({ ...tested, [c.id]: r.ok ? '✔ delivered' : `✖ ${r.error ?? `status ${r.status_code}`}` });
  });
  return html`<div>
    <div class="title-row"><h2>Notification channels</h2><button type="button" class="primary" onClick=${() => setAdding(true)}>Add channel</button></div>
    <${ErrorNote} error=${list.error ?? act.error ?? test.error} />
    <div class="table-wrap"><table>
      <thead><tr><th>Name</th><th>Type</th><th>From severity</th><th>Routes</th><th>State</th><th><span class="sr">Actions</span></th></tr></thead>
      <tbody>${(list.data?.channels ?? []).map(
        (c) => html`<tr>
        <td>${c.name}</td><td>${c.type}</td><td><${Severity} value=${c.min_severity} /></td><td>${c.routes.length || 'all alerts'}</td>
        <td>${c.enabled ? 'enabled' : 'disabled'} ${tested[c.id] ? html`<div class="small">${tested[c.id]}</div>` : null}</td>
        <td><button type="button" onClick=${() => test.run(c)}>Send test</button>
          <button type="button" onClick=${() => act.run(() => api('PATCH', `/notification-channels/${c.id}`, { enabled: !c.enabled }))}>${c.enabled ? 'Disable' : 'Enable'}</button>
          <button type="button" class="danger" onClick=${() => confirm(`Delete ${c.name}?`) && act.run(() => api('DELETE', `/notification-channels/${c.id}`))}>Delete</button></td>
      </tr>`,
      )}
      ${list.data && list.data.channels.length === 0 ? html`<tr><td colspan="6" class="muted">No channels: alerts are only shown here.</td></tr>` : null}</tbody>
    </table></div>
    ${
      adding
        ? html`<${ChannelDialog} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            list.reload();
          }} />`
        : null
    }
  </div>`;
}
