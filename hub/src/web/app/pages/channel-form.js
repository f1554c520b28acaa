// Add or edit a notification channel: its type's settings as fields (secrets write-only), routes, and a test
// message sent from the form.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { Dialog, ErrorNote, Field, SEVERITIES, useAction } from '../ui.js';
import { RoutesEditor } from './channel-routes.js';

/** Per type: the settings fields and the secret fields, each [key, label, kind, hint]. */
const TYPES = {
  webhook: {
    label: 'Webhook (JSON, signed)',
    config: [['url', 'URL', 'url', 'https://noc.example.com/outpost']],
    secrets: [
      [
        'hmac_secret',
        'Signing secret (HMAC)',
        'password',
        'At least 16 characters; receivers verify X-Outpost-Signature',
      ],
    ],
  },
  slack: {
    label: 'Slack',
    config: [['username', 'Display name', 'text', 'Optional']],
    secrets: [['webhook_url', 'Incoming webhook URL', 'password', 'https://hooks.slack.com/services/…']],
  },
  email: {
    label: 'E-mail (SMTP)',
    config: [
      ['host', 'SMTP server', 'text', 'smtp.example.com'],
      ['port', 'Port', 'number', '587'],
      ['tls', 'TLS', 'tls', ''],
      ['from', 'From', 'email', 'outpost@example.com'],
      ['to', 'To (comma-separated)', 'list', 'noc@example.com'],
      ['username', 'SMTP user', 'text', 'Optional'],
    ],
    secrets: [['password', 'SMTP password', 'password', 'Optional']],
  },
};

function configValue(kind, v) {
  if (v === undefined || v === null) return '';
  if (kind === 'list') return v.join(', ');
  return String(v);
}

/** The channel's config from the form; settings the form does not show (webhook headers) are kept. */
function configOut(type, form, base) {
  const out = { ...(base ?? {}) };
  for (const [k, , kind] of TYPES[type].config) {
    const v = form[k]?.trim?.() ?? form[k];
    delete out[k];
    if (v === '' || v === undefined) continue;
    out[k] =
      kind === 'number'
        ? Number(v)
        : kind === 'list'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : v;
  }
  if (type === 'email') out.tls_verify = form.tls_verify !== false;
  return out;
}

export function ChannelForm({ channel, onClose, onSaved }) {
  const [type, setType] = useState(channel?.type ?? 'webhook');
  const [f, setF] = useState({
    name: channel?.name ?? '',
    enabled: channel?.enabled ?? true,
    min_severity: channel?.min_severity ?? 'high',
    daily_summary: channel?.daily_summary ?? true,
    tls: 'starttls',
    tls_verify: true,
    ...Object.fromEntries(
      Object.values(TYPES).flatMap((t) =>
        t.config.map(([k, , kind]) => [k, configValue(kind, channel?.config?.[k])]),
      ),
    ),
    ...(channel?.type === 'email' ? { tls: channel.config.tls, tls_verify: channel.config.tls_verify } : {}),
  });
  const [secrets, setSecrets] = useState({});
  const [routes, setRoutes] = useState(channel?.routes ?? []);
  const [saved, setSaved] = useState(channel ?? null);
  const [tested, setTested] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async (thenTest) => {
    const typed = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v));
    const body = {
      name: f.name,
      enabled: f.enabled,
      min_severity: f.min_severity,
      daily_summary: f.daily_summary,
      config: configOut(type, f, saved?.type === type ? saved.config : undefined),
      routes,
      ...(Object.keys(typed).length || !saved ? { secrets: typed } : {}),
    };
    const row = saved
      ? await api('PATCH', `/notification-channels/${saved.id}`, body)
      : await api('POST', '/notification-channels', { ...body, type });
    setSaved(row);
    setSecrets({});
    if (!thenTest) return onSaved(row);
    setTested(null);
    setTested(await api('POST', `/notification-channels/${row.id}/test`));
  });
  const spec = TYPES[type];
  return html`<${Dialog} title=${channel ? `Edit ${channel.name}` : 'Add a notification channel'} onClose=${() => (saved && !channel ? onSaved(saved) : onClose())}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run(e.submitter?.value === 'test');
    }}>
      <div class="row">
        <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
        <${Field} label="Type"><select value=${type} disabled=${!!saved} onChange=${(e) => setType(e.target.value)}>
          ${Object.entries(TYPES).map(([k, t]) => html`<option value=${k}>${t.label}</option>`)}</select></${Field}>
      </div>
      <fieldset>
        <legend>Settings</legend>
        ${spec.config.map(([k, label, kind, hint]) =>
          kind === 'tls'
            ? html`<div class="row"><${Field} label="TLS"><select value=${f.tls} onChange=${set('tls')}>
              <option value="starttls">STARTTLS required (587)</option><option value="implicit">TLS from the start (465)</option>
              <option value="opportunistic">STARTTLS when offered</option><option value="none">none</option></select></${Field}>
              <label class="check"><input type="checkbox" checked=${f.tls_verify !== false} onChange=${(e) => setF({ ...f, tls_verify: e.target.checked })} /> Verify the server certificate</label></div>`
            : html`<${Field} label=${label}><input type=${kind === 'list' ? 'text' : kind} required=${!/Optional/.test(hint)} placeholder=${hint} value=${f[k]} onInput=${set(k)} /></${Field}>`,
        )}
        ${spec.secrets.map(
          ([
            k,
            label,
            ,
            hint,
          ]) => html`<${Field} label=${label} hint=${saved?.secrets_set?.includes(k) ? 'Stored: leave empty to keep it' : `Write-only. ${hint}`}>
            <input type="password" autocomplete="new-password" required=${!saved?.secrets_set?.includes(k) && !/Optional/.test(hint)}
              value=${secrets[k] ?? ''} onInput=${(e) => setSecrets({ ...secrets, [k]: e.target.value })} /></${Field}>`,
        )}
      </fieldset>
      <div class="row">
        <${Field} label="Lowest severity sent" hint="For routes without severities"><select value=${f.min_severity} onChange=${set('min_severity')}>${SEVERITIES.map((s) => html`<option>${s}</option>`)}</select></${Field}>
        <div class="field"><span>Options</span>
          <label class="check"><input type="checkbox" checked=${f.enabled} onChange=${(e) => setF({ ...f, enabled: e.target.checked })} /> Enabled</label>
          <label class="check"><input type="checkbox" checked=${f.daily_summary} onChange=${(e) => setF({ ...f, daily_summary: e.target.checked })} /> Daily summary</label>
        </div>
      </div>
      <${RoutesEditor} routes=${routes} onChange=${setRoutes} />
      ${
        tested
          ? html`<div class=${`result ${tested.ok ? 'good' : 'bad'}`} role="status" data-testid="channel-test">${
              tested.ok
                ? `✔ Test message delivered${tested.status_code ? ` (HTTP ${tested.status_code})` : ''} in ${tested.duration_ms} ms`
                : `✖ Test failed: ${tested.error ?? `HTTP ${tested.status_code}`}`
            }</div>`
          : null
      }
      <${ErrorNote} error=${save.error} />
      <div class="actions">
        <button type="submit" class="primary" value="save" disabled=${save.busy}>Save</button>
        <button type="submit" value="test" disabled=${save.busy}>Save and send a test</button>
      </div>
    </form>
  </${Dialog}>`;
}
