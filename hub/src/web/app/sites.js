// Every site, loaded once per page view and shared by the pages that need them (site pickers, names).
import { get } from './api.js';
import { useEffect, useState } from './html.js';

let cache = null;
let pending = null;
const listeners = new Set();

function load() {
  pending ??= get('/sites')
    .then((r) => {
      cache = r.sites;
      for (const fn of listeners) fn(cache);
      return cache;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** Forget the cached list (after adding or renaming a site). */
export function invalidateSites() {
  cache = null;
  if (listeners.size) load().catch(() => {});
}

/** `{sites, byId}`: every site (an empty list until loaded). */
export function useSites() {
  const [sites, setSites] = useState(cache ?? []);
  useEffect(() => {
    listeners.add(setSites);
    if (cache) setSites(cache);
    else load().catch(() => {});
    return () => listeners.delete(setSites);
  }, []);
  return { sites, byId: new Map(sites.map((s) => [s.id, s])) };
}
