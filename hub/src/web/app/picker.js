// Scope pickers shared by maintenance windows, notification routes and alert rules: everything, a site, a
// device or a camera, chosen by searching (names, IPs) rather than by typing ids.
import { get, query } from './api.js';
import { html, useEffect, useState } from './html.js';
import { useSites } from './sites.js';
import { Field } from './ui.js';

/** Finds one device or camera by name, IP or MAC through /search. */
export function EntityPicker({ kind, value, label, onChange }) {
  const [text, setText] = useState('');
  const [hits, setHits] = useState([]);
  const [title, setTitle] = useState('');
  useEffect(() => {
    if (!value) return setTitle('');
    get(`/${kind}s/${value}`)
      .then((e) => setTitle(`${e.name} (${e.ip_address})`))
      .catch(() => setTitle(`${kind} ${value}`));
  }, [kind, value]);
  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) return setHits([]);
    const t = setTimeout(
      () =>
        get(`/search${query({ q, limit: 8 })}`)
          .then((r) => {
            const found = r[`${kind}s`] ?? [];
            setHits(found);
            // Text typed or pasted whole, matching one suggestion exactly, chooses it.
            const hit = found.find((h) => `${h.title} (${h.ip_address})` === q || h.title === q);
            if (hit) onChange(hit.id);
          })
          .catch(() => setHits([])),
      200,
    );
    return () => clearTimeout(t);
  }, [text, kind]);
  const listId = `pick-${kind}-${label.replace(/\W+/g, '-')}`;
  return html`<${Field} label=${label} hint=${value ? `Chosen: ${title}` : `Type part of a ${kind} name or IP`}>
    <input list=${listId} autocomplete="off" value=${text} placeholder=${title || `search ${kind}s`}
      onInput=${(e) => {
        const v = e.target.value;
        setText(v);
        const hit = hits.find((h) => `${h.title} (${h.ip_address})` === v || h.title === v);
        if (hit) onChange(hit.id);
      }} />
    <datalist id=${listId}>${hits.map((h) => html`<option value=${`${h.title} (${h.ip_address})`}></option>`)}</datalist>
  </${Field}>`;
}

/** `{type: 'all'} | {type: 'site'|'device'|'camera', id}` with a picker for the chosen kind. */
export function ScopePicker({ scope, onChange, label = 'Applies to', kinds = ['site', 'device', 'camera'] }) {
  const { sites } = useSites();
  const type = scope?.type ?? 'all';
  return html`<div class="row">
    <${Field} label=${label}><select value=${type} onChange=${(e) => {
      const t = e.target.value;
      onChange(
        t === 'all'
          ? { type: 'all' }
          : t === 'site'
            ? { type: 'site', id: sites[0]?.id }
            : { type: t, id: undefined },
      );
    }}>
      <option value="all">everything</option>
      ${kinds.map((k) => html`<option value=${k}>one ${k.replace('_', ' ')}</option>`)}
    </select></${Field}>
    ${
      type === 'site'
        ? html`<${Field} label="Site"><select value=${scope.id ?? ''} onChange=${(e) => onChange({ type: 'site', id: Number(e.target.value) })}>
        ${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select></${Field}>`
        : type === 'device' || type === 'camera'
          ? html`<${EntityPicker} kind=${type} label=${type === 'device' ? 'Device' : 'Camera'} value=${scope.id} onChange=${(id) => onChange({ type, id })} />`
          : null
    }
  </div>`;
}

/** Words for a scope, with names where they are known. */
export function scopeText(scope, sitesById) {
  if (!scope || scope.type === 'all') return 'everything';
  if (scope.type === 'site') return `site ${sitesById?.get(scope.id)?.name ?? scope.id}`;
  if (scope.type === 'device_type') return `every ${scope.value.replace('_', ' ')}`;
  return `${scope.type} ${scope.id}`;
}

const names = new Map();

/** A device's or camera's name by id (fetched once per page view), or `device 12` until known. */
export function EntityName({ kind, id }) {
  const key = `${kind}:${id}`;
  const [name, setName] = useState(names.get(key));
  useEffect(() => {
    if (names.has(key)) return setName(names.get(key));
    get(`/${kind}s/${id}`)
      .then((e) => {
        names.set(key, e.name);
        setName(e.name);
      })
      .catch(() => {});
  }, [key]);
  return html`${kind} ${name ?? id}`;
}

/** A scope in words, with device and camera names. */
export function ScopeText({ scope, sitesById }) {
  if (scope?.type === 'device' || scope?.type === 'camera')
    return html`<${EntityName} kind=${scope.type} id=${scope.id} />`;
  return scopeText(scope, sitesById);
}
