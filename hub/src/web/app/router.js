// Hash routes (#/devices/12?page=2): deep links work without server-side fallbacks.
import { useEffect, useState } from './html.js';

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return {
    path,
    parts: path.split('/').filter(Boolean),
    params: Object.fromEntries(new URLSearchParams(qs)),
  };
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Replace the query part of the current route (filters, page) without adding history entries. */
export function setParams(params) {
  const { path } = parseHash();
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  history.replaceState(null, '', `#${path}${s ? `?${s}` : ''}`);
  dispatchEvent(new HashChangeEvent('hashchange'));
}

export const go = (path) => {
  location.hash = path;
};
