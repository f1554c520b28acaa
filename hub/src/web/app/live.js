// The SSE stream (/api/v1/events): one EventSource for the page, reopened with a fresh token when it drops.
import { streamToken } from './api.js';
import { useEffect, useRef } from './html.js';
import { refresh, token } from './session.js';

const NAMES = [
  'device.status',
  'check.status',
  'camera.status',
  'agent.status',
  'alert.changed',
  'job.changed',
  'rollout.changed',
];
const handlers = new Map();
const stateListeners = new Set();
let source = null;
let retry = null;
let connected = false;
/** Bumped by stopLive: an open() still waiting for its token then gives up. */
let generation = 0;

function setConnected(v) {
  connected = v;
  for (const fn of stateListeners) fn(v);
}

function reconnect(delayMs) {
  setConnected(false);
  source?.close();
  source = null;
  clearTimeout(retry);
  // The access token may have expired: refresh before reconnecting.
  retry = setTimeout(() => refresh().then((u) => u && open()), delayMs);
}

async function open() {
  if (!token()) return;
  const mine = generation;
  let t;
  try {
    t = await streamToken('events');
  } catch {
    if (mine === generation) reconnect(3000);
    return;
  }
  if (source || mine !== generation) return;
  // The stream ends (an `end` event) when the access token it was opened with expires: open a new one.
  source = new EventSource(`/api/v1/events?access_token=${encodeURIComponent(t)}`);
  source.addEventListener('end', () => reconnect(0));
  source.onopen = () => setConnected(true);
  source.addEventListener('ready', () => setConnected(true));
  for (const name of NAMES) {
    source.addEventListener(name, (e) => {
      let data;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      for (const fn of handlers.get(name) ?? []) fn(data);
      for (const fn of handlers.get('*') ?? []) fn(name, data);
    });
  }
  source.onerror = () => reconnect(3000);
}

export function startLive() {
  stopLive();
  open();
}

export function stopLive() {
  generation++;
  clearTimeout(retry);
  source?.close();
  source = null;
  setConnected(false);
}

export const isLive = () => connected;

export function onLiveState(fn) {
  stateListeners.add(fn);
  return () => stateListeners.delete(fn);
}

/** Calls `fn(data)` for each event named `name` (or `fn(name, data)` for '*') while mounted; always the latest `fn`. */
export function useLive(name, fn) {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    const set = handlers.get(name) ?? new Set();
    handlers.set(name, set);
    const call = (...args) => latest.current(...args);
    set.add(call);
    return () => set.delete(call);
  }, [name]);
}
