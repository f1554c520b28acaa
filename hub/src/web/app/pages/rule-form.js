// Add or edit a threshold rule, with a preview of how often it would have fired over the last 24 h of stored
// data (the hub replays the samples through the alert engine's own evaluation; nothing is saved).
import { api } from '../api.js';
import { duration, when } from '../format.js';
import { html, useEffect, useRef, useState } from '../html.js';
import { ScopePicker } from '../picker.js';
import { Dialog, ErrorNote, Field, SEVERITIES, useAction, useFetch } from '../ui.js';

const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='];
const TYPES = ['switch', 'router', 'access_point', 'firewall', 'server', 'ups', 'printer', 'other'];

function paramsOf(f) {
  const p = {
    metric: f.metric.trim(),
    scope: f.scope,
    comparison: f.comparison,
    threshold: Number(f.threshold),
    for_s: Math.round(Number(f.for_min || 0) * 60),
  };
  if (f.recovery !== '') p.recovery_threshold = Number(f.recovery);
  const labels = f.labels
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (labels.length)
    p.labels = Object.fromEntries(
      labels.map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]),
    );
  return p;
}

function Preview({ f }) {
  const [state, setState] = useState({ loading: false, data: null, error: null });
  const seq = useRef(0);
  const key = JSON.stringify([paramsOf(f), f.severity, f.name]);
  useEffect(() => {
    if (!f.metric.trim() || f.threshold === '' || Number.isNaN(Number(f.threshold))) return;
    if (f.scope.type !== 'all' && f.scope.type !== 'device_type' && !f.scope.id) return;
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    const t = setTimeout(() => {
      api('POST', '/alert-rules/preview', {
        name: f.name || 'Preview',
        severity: f.severity,
        params: paramsOf(f),
      })
        .then((data) => n === seq.current && setState({ loading: false, data, error: null }))
        .catch((error) => n === seq.current && setState({ loading: false, data: null, error }));
    }, 400);
    return () => clearTimeout(t);
  }, [key]);
  const d = state.data;
  return html`<section class="preview" aria-live="polite" data-testid="rule-preview">
    <strong>Over the last 24 hours:</strong>
    ${state.error ? html` <span class="error">${state.error.message}</span>` : null}
    ${
      d
        ? html` this rule would have fired <strong data-testid="preview-fired">${d.fired}</strong> time${d.fired === 1 ? '' : 's'}${
            d.fired ? ` for ${d.targets} target${d.targets === 1 ? '' : 's'}` : ''
          }${d.open_at_end ? `, ${d.open_at_end} still open now` : ''}
          <span class="muted small">(${d.samples.toLocaleString()} samples of ${d.series} series replayed${d.truncated ? '; more data than one preview reads' : ''})</span>
          ${
            d.episodes.length
              ? html`<ol>${d.episodes.map(
                  (e) =>
                    html`<li>${when(e.opened_at)}: ${e.title} <small class="muted">${e.resolved_at ? `for ${duration(e.duration_s)}` : 'still open'}</small></li>`,
                )}</ol>`
              : null
          }`
        : html` <span class="muted">${state.loading ? 'replaying stored data…' : 'choose a metric and a threshold'}</span>`
    }
  </section>`;
}

export function RuleForm({ rule, onClose, onSaved }) {
  const p = rule?.params ?? {};
  const [f, setF] = useState({
    name: rule?.name ?? '',
    severity: rule?.severity ?? 'medium',
    metric: p.metric ?? 'cpu_load',
    scope: p.scope ?? { type: 'all' },
    comparison: p.comparison ?? '>',
    threshold: p.threshold ?? '90',
    for_min: p.for_s !== undefined ? String(p.for_s / 60) : '5',
    recovery: p.recovery_threshold ?? '',
    labels: Object.entries(p.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  });
  const metrics = useFetch('/alert-rules/metrics');
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    const body = { name: f.name, severity: f.severity, params: paramsOf(f) };
    await api(rule ? 'PATCH' : 'POST', rule ? `/alert-rules/${rule.id}` : '/alert-rules', body);
    onSaved();
  });
  const scopeKinds = ['site', 'device'];
  return html`<${Dialog} title=${rule ? `Edit ${rule.name}` : 'Add a threshold rule'} onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <div class="row">
        <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
        <${Field} label="Severity"><select value=${f.severity} onChange=${set('severity')}>${SEVERITIES.map((s) => html`<option>${s}</option>`)}</select></${Field}>
      </div>
      <div class="row">
        <${Field} label="Metric" hint="A metric the agents report"><input required list="metric-names" value=${f.metric} onInput=${set('metric')} /></${Field}>
        <${Field} label="Comparison"><select value=${f.comparison} onChange=${set('comparison')}>${COMPARISONS.map((c) => html`<option>${c}</option>`)}</select></${Field}>
        <${Field} label="Threshold"><input type="number" step="any" required value=${f.threshold} onInput=${set('threshold')} /></${Field}>
      </div>
      <datalist id="metric-names">${(metrics.data?.metrics ?? []).map((m) => html`<option value=${m.name}>${m.unit ?? ''} · ${m.series} series</option>`)}</datalist>
      <div class="row">
        <${Field} label="For (minutes)" hint="The condition must hold this long"><input type="number" min="0" step="any" value=${f.for_min} onInput=${set('for_min')} /></${Field}>
        <${Field} label="Recovers at" hint="Optional hysteresis: resolves only past this value"><input type="number" step="any" value=${f.recovery} onInput=${set('recovery')} /></${Field}>
      </div>
      <${ScopePicker} scope=${f.scope.type === 'device_type' ? { type: 'all' } : f.scope} kinds=${scopeKinds} onChange=${(scope) => setF({ ...f, scope })} />
      <div class="row">
        <${Field} label="Only device type" hint="Optional"><select value=${f.scope.type === 'device_type' ? f.scope.value : ''} onChange=${(
          e,
        ) =>
          setF({
            ...f,
            scope: e.target.value ? { type: 'device_type', value: e.target.value } : { type: 'all' },
          })}>
          <option value="">any</option>${TYPES.map((t) => html`<option value=${t}>${t.replace('_', ' ')}</option>`)}</select></${Field}>
        <${Field} label="Only labels" hint="Optional: if_name=Gi0/1, storage=/"><input value=${f.labels} onInput=${set('labels')} /></${Field}>
      </div>
      <${Preview} f=${f} />
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>${rule ? 'Save' : 'Add rule'}</button></div>
    </form>
  </${Dialog}>`;
}
