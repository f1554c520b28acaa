// A device's custom OIDs: values its vendor MIB has and no profile reads, polled as ordinary metrics (usable in
// threshold rules). Each shows its latest reading; operators add and remove them (the whole list is written back).
import { api } from '../api.js';
import { html, useEffect, useRef, useState } from '../html.js';
import { can } from '../session.js';
import { Dialog, ErrorNote, Field, refusalIn, useAction, useFetch } from '../ui.js';

const TYPES = [
  ['gauge', 'gauge: the value as read'],
  ['counter', 'counter: a rate per second'],
  ['string', 'string: text (a sample of 1 labelled with it)'],
];
const LABELS = { oid: 'OID', name: 'Metric name', type: 'Type', unit: 'Unit', scale: 'Scale', walk: 'Walk' };

/** The API's entry from the form: unit and scale only when given. */
export function customOidBody(f) {
  return {
    oid: f.oid.trim(),
    name: f.name.trim(),
    type: f.type,
    ...(f.unit.trim() ? { unit: f.unit.trim() } : {}),
    ...(String(f.scale).trim() !== '' ? { scale: Number(f.scale) } : {}),
    walk: f.walk,
  };
}

/** The form's name of a refused field of the new entry (`body.custom_oids.3.scale` -> `Scale`). */
const entryField = (index) => (path) => {
  const prefix = `body.custom_oids.${index}.`;
  return path.startsWith(prefix) ? (LABELS[path.slice(prefix.length)] ?? path.slice(prefix.length)) : null;
};

/** How far back a latest reading is looked for, and how often one is awaited after a change. */
const RECENT_S = 900;
const AWAIT_MS = 5_000;
const AWAIT_TRIES = 24;

/** The latest reading of an entry in words, or null when none is recent: the value, the text, or the row count. */
export function latest(entry, metric) {
  const series = (metric?.series ?? []).filter((s) => s.points.length);
  if (!series.length) return null;
  const last = (s) => s.points[s.points.length - 1];
  if (entry.type === 'string') {
    const newest = series.reduce((a, b) => (last(b).t > last(a).t ? b : a));
    return newest.labels.value ?? '';
  }
  if (entry.walk) return `${series.length} row${series.length === 1 ? '' : 's'}`;
  const v = Number(last(series[0]).v.toPrecision(6));
  return `${v}${metric.unit ? ` ${metric.unit}` : ''}`;
}

/** Latest readings by metric name, re-read every few seconds while an entry has none yet (after an add). */
function useReadings(deviceId, list, stamp) {
  const [readings, setReadings] = useState(new Map());
  const tries = useRef(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    tries.current = 0;
  }, [list]);
  useEffect(() => {
    if (!list?.length) return;
    let gone = false;
    const from = Math.floor(Date.now() / 1000) - RECENT_S;
    Promise.all(
      list.map((e) =>
        api('GET', `/devices/${deviceId}/metrics?name=${encodeURIComponent(e.name)}&from=${from}`)
          .then((m) => [e.name, latest(e, m)])
          .catch(() => [e.name, null]),
      ),
    ).then((pairs) => {
      if (gone) return;
      setReadings(new Map(pairs));
      if (pairs.some(([, v]) => v === null) && ++tries.current < AWAIT_TRIES)
        setTimeout(() => !gone && setTick((n) => n + 1), AWAIT_MS);
    });
    return () => {
      gone = true;
    };
  }, [list, stamp, tick]);
  return readings;
}

function AddForm({ list, deviceId, onClose, onSaved }) {
  const [f, setF] = useState({ oid: '', name: '', type: 'gauge', unit: '', scale: '', walk: false });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    onSaved(
      await api('PUT', `/devices/${deviceId}/custom-oids`, { custom_oids: [...list, customOidBody(f)] }),
    );
  });
  return html`<${Dialog} title="Add a custom OID" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="OID" hint="Numeric, e.g. 1.3.6.1.4.1.318.1.1.1.2.3.2.0"><input required autocomplete="off" value=${f.oid} onInput=${set('oid')} /></${Field}>
      <${Field} label="Metric name" hint="Lower-case letters, digits, _ and . (e.g. ups_battery_temp): what charts and threshold rules use"><input required autocomplete="off" value=${f.name} onInput=${set('name')} /></${Field}>
      <div class="row">
        <${Field} label="Type"><select value=${f.type} onChange=${set('type')}>${TYPES.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></${Field}>
        <${Field} label="Unit" hint="Optional, e.g. celsius"><input autocomplete="off" maxlength="32" value=${f.unit} onInput=${set('unit')} /></${Field}>
        <${Field} label="Scale" hint="Multiplies the value; default 1 (0.1 for tenths)"><input type="number" step="any" placeholder="1" value=${f.scale} onInput=${set('scale')} /></${Field}>
      </div>
      <label class="check"><input type="checkbox" checked=${f.walk} onChange=${(e) => setF({ ...f, walk: e.target.checked })} /> Walk it: a table column, one metric per row (labelled by its index)</label>
      <${ErrorNote} error=${refusalIn(save.error, entryField(list.length))} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Add</button></div>
    </form>
  </${Dialog}>`;
}

export function DeviceCustomOids({ deviceId, stamp }) {
  const got = useFetch(`/devices/${deviceId}/custom-oids`);
  const [adding, setAdding] = useState(false);
  const list = got.data?.custom_oids;
  const readings = useReadings(deviceId, list, stamp);
  const remove = useAction(async (i) => {
    await api('PUT', `/devices/${deviceId}/custom-oids`, { custom_oids: list.filter((_, j) => j !== i) });
    got.reload();
  });
  return html`<section class="card" data-testid="custom-oids">
    <div class="title-row">
      <h2>Custom OIDs</h2>
      ${can('operator') && list ? html`<div class="actions"><button type="button" disabled=${list.length >= 64} onClick=${() => setAdding(true)}>Add a custom OID</button></div>` : null}
    </div>
    <${ErrorNote} error=${got.error ?? remove.error} />
    ${
      list?.length
        ? html`<table class="table">
          <thead><tr><th>Metric</th><th>OID</th><th>Type</th><th>Unit</th><th>Scale</th><th>Latest</th>${can('operator') ? html`<th></th>` : null}</tr></thead>
          <tbody>${list.map(
            (e, i) => html`<tr data-testid="custom-oid-row">
              <td>${e.name}</td><td class="wrap">${e.oid}${e.walk ? html` <small class="muted">(walked)</small>` : null}</td>
              <td>${e.type}</td><td>${e.unit ?? '–'}</td><td>${e.scale}</td>
              <td data-testid="custom-oid-latest">${readings.get(e.name) ?? html`<span class="muted">none in the last ${RECENT_S / 60} min</span>`}</td>
              ${can('operator') ? html`<td><button type="button" class="link" aria-label=${`Remove ${e.name}`} disabled=${remove.busy} onClick=${() => remove.run(i)}>Remove</button></td>` : null}
            </tr>`,
          )}</tbody></table>`
        : list
          ? html`<p class="muted">None: the device's profiles only. Add one to poll a value its vendor MIB has.</p>`
          : null
    }
    ${
      adding
        ? html`<${AddForm} list=${list} deviceId=${deviceId} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            got.reload();
          }} />`
        : null
    }
  </section>`;
}
