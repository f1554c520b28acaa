// Global search in the header: sites, devices (name, IP, sysName, MAC), cameras and alerts. A combobox:
// arrows move through the hits, Enter opens one, Escape closes; "/" anywhere focuses it.
import { get, query } from './api.js';
import { html, useEffect, useRef, useState } from './html.js';

const KINDS = [
  ['sites', 'Sites'],
  ['devices', 'Devices'],
  ['cameras', 'Cameras'],
  ['alerts', 'Alerts'],
];

const FIELD = { ip_address: 'IP', sys_name: 'sysName', mac_address: 'MAC', location: 'location' };

function href(h) {
  if (h.kind === 'site') return `#/sites/${h.id}`;
  if (h.kind === 'device') return `#/devices/${h.id}`;
  if (h.kind === 'camera') return `#/cameras/${h.id}`;
  return `#/alerts?state=all&id=${h.id}`;
}

function detail(h) {
  if (h.kind === 'device') {
    const via = FIELD[h.matched];
    const value = via ? h[h.matched] : h.ip_address;
    return `${via ? `${via} ` : ''}${value ?? ''} · ${h.status}`;
  }
  if (h.kind === 'camera') return `${h.matched === 'location' ? 'location match · ' : ''}${h.status}`;
  if (h.kind === 'alert') return `${h.severity} · ${h.state}`;
  return 'site';
}

export function GlobalSearch() {
  const [text, setText] = useState('');
  const [result, setResult] = useState(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef(null);
  const seq = useRef(0);

  useEffect(() => {
    const onKey = (e) => {
      const t = e.target;
      const typing =
        t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t?.isContentEditable;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    const onRoute = () => setOpen(false);
    document.addEventListener('keydown', onKey);
    addEventListener('hashchange', onRoute);
    return () => {
      document.removeEventListener('keydown', onKey);
      removeEventListener('hashchange', onRoute);
    };
  }, []);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) {
      setResult(null);
      return;
    }
    const n = ++seq.current;
    const t = setTimeout(() => {
      get(`/search${query({ q, limit: 6 })}`)
        .then((r) => {
          if (n !== seq.current) return;
          setResult(r);
          setActive(0);
          setOpen(true);
        })
        .catch(() => n === seq.current && setResult({ error: true }));
    }, 200);
    return () => clearTimeout(t);
  }, [text]);

  const hits = result && !result.error ? KINDS.flatMap(([k]) => result[k]) : [];
  const go = (h) => {
    location.hash = href(h);
    setOpen(false);
    setText('');
    input.current?.blur();
  };
  const onKeyDown = (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) setOpen(true);
      if (hits.length) setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const h = hits[active];
      if (open && h) go(h);
    } else if (e.key === 'Escape') {
      if (open) {
        e.stopPropagation();
        setOpen(false);
      } else setText('');
    }
  };
  const shown = open && result && text.trim().length >= 2;
  let i = -1;
  return html`<div class="search" role="search" aria-label="Everything">
    <label class="sr" for="global-search">Search sites, devices, cameras and alerts</label>
    <input id="global-search" ref=${input} type="search" role="combobox" autocomplete="off"
      placeholder="Search (press /)" aria-expanded=${shown ? 'true' : 'false'} aria-controls="search-results"
      aria-autocomplete="list" aria-activedescendant=${shown && hits.length ? `search-hit-${active}` : undefined}
      value=${text} onInput=${(e) => setText(e.target.value)} onKeyDown=${onKeyDown}
      onFocus=${() => result && setOpen(true)} onBlur=${() => setTimeout(() => setOpen(false), 150)} />
    ${
      shown
        ? html`<div id="search-results" class="search-results" role="listbox" aria-label="Search results">
      ${result.error ? html`<p class="muted">Search failed.</p>` : null}
      ${!result.error && hits.length === 0 ? html`<p class="muted" role="status">Nothing matches “${text.trim()}”.</p>` : null}
      ${KINDS.map(([k, label]) =>
        result[k]?.length
          ? html`<div role="group" aria-label=${label}>
        <p class="search-kind" aria-hidden="true">${label}${result.more?.includes(k.slice(0, -1)) ? ' (more: narrow the search)' : ''}</p>
        ${result[k].map((h) => {
          i++;
          const n = i;
          return html`<a id=${`search-hit-${n}`} role="option" aria-selected=${n === active ? 'true' : 'false'} tabindex="-1"
            class=${n === active ? 'hit active' : 'hit'} href=${href(h)} onMouseDown=${(e) => {
              e.preventDefault();
              go(h);
            }}><span class="hit-title">${h.title}</span> <small>${detail(h)}</small></a>`;
        })}
      </div>`
          : null,
      )}
    </div>`
        : null
    }
  </div>`;
}
