// A device's checks (ping, TCP port, web page, DNS): each one's state, what it looks at, its last response time
// and facts (certificate days left, status code), and a form built from the kind's JSON Schema (GET /checks/kinds),
// so that a new check kind needs no change here.
import { api, query } from '../api.js';
import { ago, when } from '../format.js';
import { html, useState } from '../html.js';
import { useLive } from '../live.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, Status, useAction, useFetch } from '../ui.js';

const FACT_LABELS = {
  status_code: 'HTTP',
  cert_days_left: 'certificate days left',
  cert_issuer: 'issued by',
  answer: 'answer',
  loss_percent: 'loss %',
};

function facts(c) {
  if (!c.facts) return null;
  return Object.entries(c.facts)
    .filter(([k]) => k in FACT_LABELS)
    .map(([k, v]) => `${FACT_LABELS[k]} ${v}`)
    .join(' · ');
}

export function DeviceChecks({ device }) {
  const list = useFetch(`/checks${query({ device_id: device.id })}`);
  const [editing, setEditing] = useState(null);
  useLive('check.status', (e) => e.device_id === device.id && list.reload());
  const checks = list.data?.checks;
  return html`<section class="card" data-testid="device-checks">
    <div class="title-row">
      <h2>Checks</h2>
      ${can('operator') ? html`<div class="actions"><button type="button" onClick=${() => setEditing({})}>Add a check</button></div>` : null}
    </div>
    <${ErrorNote} error=${list.error} />
    ${
      checks?.length
        ? html`<table class="table">
          <thead><tr><th>Check</th><th>Looks at</th><th>Status</th><th>Response</th><th>Last run</th>${can('operator') ? html`<th></th>` : null}</tr></thead>
          <tbody>${checks.map(
            (c) => html`<tr data-testid="check-row">
              <td>${c.name} <small class="muted">${c.kind}${c.enabled ? '' : ' · disabled'}</small></td>
              <td class="wrap">${c.target}</td>
              <td><${Status} value=${c.status} title=${c.status_changed_at ? `since ${when(c.status_changed_at)}` : ''} />
                ${c.status_error ? html`<div class="small error">${c.status_error}</div>` : null}
                ${facts(c) ? html`<div class="small muted">${facts(c)}</div>` : null}</td>
              <td>${c.response_ms === null ? '–' : `${Math.round(c.response_ms)} ms`}</td>
              <td title=${when(c.last_run_at)}>${c.last_run_at ? ago(c.last_run_at) : 'not yet'}</td>
              ${can('operator') ? html`<td><button type="button" onClick=${() => setEditing(c)}>Edit</button></td>` : null}
            </tr>`,
          )}</tbody></table>`
        : checks
          ? html`<p class="muted">${device.snmp ? 'No checks: SNMP only.' : 'No checks yet: without SNMP, a check is what tells whether this device is up.'}</p>`
          : null
    }
    ${
      editing
        ? html`<${CheckForm} device=${device} check=${editing.id ? editing : null} onClose=${() => setEditing(null)}
            onSaved=${() => {
              setEditing(null);
              list.reload();
            }} />`
        : null
    }
  </section>`;
}

/** The form's text for a stored parameter value. */
const asText = (v) => (v === undefined || v === null ? '' : String(v));

/** The API's params from the form's text fields, typed by the kind's schema; empty optional fields are left out. */
export function paramsFromForm(schema, values) {
  const out = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const v = values[key];
    if (prop.type === 'boolean') {
      out[key] = Boolean(v);
      continue;
    }
    if (v === undefined || v === '') continue;
    out[key] = prop.type === 'integer' || prop.type === 'number' ? Number(v) : v;
  }
  return out;
}

function ParamField({ name, prop, required, value, onChange }) {
  const label = `${name.replaceAll('_', ' ')}${required ? '' : ' (optional)'}`;
  if (prop.type === 'boolean')
    return html`<label class="check"><input type="checkbox" name=${name} checked=${Boolean(value)} onChange=${(e) => onChange(e.target.checked)} /> ${label}</label>`;
  if (prop.enum)
    return html`<${Field} label=${label}><select name=${name} value=${value} onChange=${(e) => onChange(e.target.value)}>${prop.enum.map((o) => html`<option value=${o}>${o}</option>`)}</select></${Field}>`;
  const numeric = prop.type === 'integer' || prop.type === 'number';
  return html`<${Field} label=${label}><input name=${name} type=${numeric ? 'number' : 'text'} required=${required}
    min=${prop.minimum} max=${prop.maximum} placeholder=${prop.default === undefined ? '' : String(prop.default)}
    value=${value} onInput=${(e) => onChange(e.target.value)} /></${Field}>`;
}

export function CheckForm({ device, check, onClose, onSaved }) {
  const kinds = useFetch('/checks/kinds');
  const [f, setF] = useState({
    name: check?.name ?? '',
    kind: check?.kind ?? 'icmp',
    interval_s: check?.interval_s ?? 60,
    timeout_ms: check?.timeout_ms ?? 5000,
    enabled: check?.enabled ?? true,
  });
  // Parameters per kind, so that switching kinds back and forth keeps what was typed.
  const [params, setParams] = useState({
    [f.kind]: check
      ? Object.fromEntries(
          Object.entries(check.params).map(([k, v]) => [k, typeof v === 'boolean' ? v : asText(v)]),
        )
      : { host: device.ip_address },
  });
  const spec = kinds.data?.kinds.find((k) => k.kind === f.kind);
  const values = params[f.kind] ?? {};
  const schemaDefaults = Object.fromEntries(
    Object.entries(spec?.params.properties ?? {})
      .filter(([, p]) => p.type === 'boolean')
      .map(([k, p]) => [k, p.default ?? false]),
  );
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    const body = {
      name: f.name,
      kind: f.kind,
      params: paramsFromForm(spec.params, { ...schemaDefaults, ...values }),
      interval_s: Number(f.interval_s),
      timeout_ms: Number(f.timeout_ms),
      enabled: f.enabled,
    };
    onSaved(
      check
        ? await api('PUT', `/checks/${check.id}`, body)
        : await api('POST', '/checks', { device_id: device.id, ...body }),
    );
  });
  const remove = useAction(async () => {
    if (!confirm(`Delete the check ${check.name}?`)) return;
    await api('DELETE', `/checks/${check.id}`);
    onSaved(null);
  });
  const required = new Set(spec?.params.required ?? []);
  return html`<${Dialog} title=${check ? `Edit ${check.name}` : `Add a check to ${device.name}`} onClose=${onClose}>
    <form class="form" data-testid="check-form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <div class="row">
        <${Field} label="Name"><input name="check-name" required value=${f.name} onInput=${set('name')} placeholder="web page" /></${Field}>
        <${Field} label="Kind" hint=${spec?.description}><select name="kind" value=${f.kind} onChange=${set('kind')}>${(kinds.data?.kinds ?? []).map((k) => html`<option value=${k.kind}>${k.kind}</option>`)}</select></${Field}>
      </div>
      ${Object.entries(spec?.params.properties ?? {}).map(
        ([key, prop]) => html`<${ParamField} name=${key} prop=${prop} required=${required.has(key)}
          value=${values[key] ?? (prop.type === 'boolean' ? (prop.default ?? false) : '')}
          onChange=${(v) => setParams({ ...params, [f.kind]: { ...values, [key]: v } })} />`,
      )}
      <div class="row">
        <${Field} label="Every (s)"><input type="number" min="5" value=${f.interval_s} onInput=${set('interval_s')} /></${Field}>
        <${Field} label="Timeout (ms)"><input type="number" min="100" value=${f.timeout_ms} onInput=${set('timeout_ms')} /></${Field}>
      </div>
      <label class="check"><input type="checkbox" checked=${f.enabled} onChange=${(e) => setF({ ...f, enabled: e.target.checked })} /> enabled</label>
      ${spec?.metrics.length ? html`<p class="small muted">Metrics for threshold rules: ${spec.metrics.map((m) => m.name).join(', ')}</p>` : null}
      <${ErrorNote} error=${kinds.error ?? save.error ?? remove.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${save.busy || !spec}>Save</button>
        ${check ? html`<button type="button" class="danger" onClick=${() => remove.run()}>Delete</button>` : null}
      </div>
    </form>
  </${Dialog}>`;
}
