// Small shared components: badges, pager, errors, data loading, dialogs, copy box, authenticated images.
import { api } from './api.js';
import { cloneElement, html, useCallback, useEffect, useMemo, useRef, useState } from './html.js';
import { refresh, token } from './session.js';

// Severity: colour plus a distinct shape and the word, so it reads without colour vision.
const SEVERITY = {
  critical: { icon: '⬣', label: 'Critical' },
  high: { icon: '▲', label: 'High' },
  medium: { icon: '◆', label: 'Medium' },
  low: { icon: '●', label: 'Low' },
  info: { icon: 'ℹ', label: 'Info' },
};
export const SEVERITIES = Object.keys(SEVERITY);

export function Severity({ value }) {
  const s = SEVERITY[value] ?? { icon: '?', label: value };
  return html`<span class=${`sev sev-${value}`}><span aria-hidden="true">${s.icon}</span> ${s.label}</span>`;
}

const STATUS_ICON = {
  online: '✔',
  up: '✔',
  offline: '✖',
  down: '✖',
  unreachable: '✖',
  auth_failed: '⚷',
  degraded: '!',
  unknown: '?',
  resolved: '✔',
  open: '!',
};
export function Status({ value, title }) {
  const v = value ?? 'unknown';
  return html`<span class=${`status status-${v}`} title=${title ?? ''}><span aria-hidden="true">${STATUS_ICON[v] ?? '•'}</span> ${v.replace('_', ' ')}</span>`;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message ?? String(error)}</p>`;
}

/** Loads `path` (re-loads when it changes or `reload()` is called). */
export function useFetch(path) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const seq = useRef(0);
  const load = useCallback(() => {
    if (!path) return;
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    api('GET', path)
      .then((data) => n === seq.current && setState({ data, error: null, loading: false }))
      .catch((error) => n === seq.current && setState((s) => ({ ...s, error, loading: false })));
  }, [path]);
  useEffect(load, [load]);
  return { ...state, reload: load };
}

/** Calls `fn` at most once per `ms` (for live events that trigger reloads). */
export function useThrottle(fn, ms = 1000) {
  const latest = useRef(fn);
  latest.current = fn;
  const last = useRef(0);
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  return () => {
    const wait = last.current + ms - Date.now();
    if (timer.current) return;
    timer.current = setTimeout(
      () => {
        timer.current = null;
        last.current = Date.now();
        latest.current();
      },
      Math.max(0, wait),
    );
  };
}

export function Pager({ pagination, onPage }) {
  if (!pagination) return null;
  const { page, pages, total } = pagination;
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>‹ Previous</button>
    <span>Page ${page} of ${pages} · ${total} in all</span>
    <button type="button" disabled=${page >= pages} onClick=${() => onPage(page + 1)}>Next ›</button>
  </nav>`;
}

/** A modal <dialog>: Escape closes it, focus moves into it. */
export function Dialog({ title, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    d?.showModal?.();
    // Escape closes it even when focus has left the dialog (e.g. the focused button was replaced).
    const onKey = (e) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      d?.close?.();
    };
  }, []);
  return html`<dialog ref=${ref} class="dialog" aria-label=${title} onClose=${onClose} onCancel=${onClose}>
    <header><h2>${title}</h2><button type="button" class="icon" aria-label="Close" onClick=${onClose}>✕</button></header>
    ${children}
  </dialog>`;
}

export function CopyBox({ text, label = 'Copy' }) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard?.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  return html`<div class="copy"><code>${text}</code><button type="button" onClick=${copy}>${copied ? 'Copied' : label}</button></div>`;
}

/** An image from an authenticated API route, fetched with the bearer header (no token in the URL). */
export function AuthedImage({ path, alt, className, stamp }) {
  const [src, setSrc] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let url = null;
    let cancelled = false;
    setFailed(false);
    const load = () => fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${token()}` } });
    load()
      // An expired access token: refresh once from the cookie, then retry.
      .then(async (r) => (r.status === 401 && (await refresh()) ? load() : r))
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((b) => {
        if (cancelled) return;
        url = URL.createObjectURL(b);
        setSrc(url);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, stamp]);
  // The placeholders carry the image's name, so a link around the image is named the same in every state.
  if (failed)
    return html`<div class=${`noimg ${className ?? ''}`} role="img" aria-label=${alt}>No snapshot yet</div>`;
  if (!src) return html`<div class=${`noimg ${className ?? ''}`} role="img" aria-label=${alt}>Loading…</div>`;
  return html`<img class=${className} src=${src} alt=${alt} />`;
}

let fieldIds = 0;

/**
 * A labelled form field: the label names its control, the hint describes it (aria-describedby), so that the
 * control's accessible name is the label alone.
 */
export function Field({ label, children, hint }) {
  const id = useMemo(() => `field-${++fieldIds}`, []);
  const list = Array.isArray(children) ? children : [children];
  const first = list.findIndex((c) => c && typeof c === 'object' && 'props' in c);
  const controlId = first >= 0 ? (list[first].props.id ?? id) : id;
  const controls = list.map((c, i) =>
    i === first ? cloneElement(c, { id: controlId, 'aria-describedby': hint ? `${id}-hint` : undefined }) : c,
  );
  return html`<div class="field"><label for=${controlId}>${label}</label>${controls}${hint ? html`<small id=${`${id}-hint`}>${hint}</small>` : null}</div>`;
}

/**
 * An API refusal in the form's words: each detail whose path `label(path)` names (`body.custom_oids.3.scale` ->
 * `Scale`) becomes `Scale: must not be 0`; the error as it is when none does.
 */
export function refusalIn(error, label) {
  const named = (error?.details ?? []).map((d) => [label(d.path ?? ''), d.message]).filter(([l]) => l);
  if (!named.length) return error;
  return new Error(named.map(([l, m]) => `${l}: ${m}`).join('; '));
}

/** Runs an async action with busy/error state for a form or button. */
export function useAction(fn) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (...args) => {
    setBusy(true);
    setError(null);
    try {
      return await fn(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error };
}
