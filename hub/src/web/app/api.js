// JSON calls to /api/v1 with the in-memory access token; one transparent refresh on 401.
import { refresh, token } from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.details = body?.error?.details;
  }
}

async function once(method, path, body) {
  return fetch(`/api/v1${path}`, {
    method,
    headers: {
      ...(token() ? { authorization: `Bearer ${token()}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}

export async function api(method, path, body) {
  let res = await once(method, path, body);
  if (res.status === 401 && (await refresh())) res = await once(method, path, body);
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path) => api('GET', path);

/** `{a: 1, b: undefined}` -> `?a=1` */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * A short-lived token for one stream ('events', 'live:<camera id>', 'snapshot:<camera id>') to put in a URL
 * where no header can be sent (EventSource, WebSocket): the full access token never appears in a URL.
 */
export async function streamToken(scope) {
  return (await api('POST', '/auth/stream-tokens', { scope })).token;
}

/** Uploads a multipart form (files) to /api/v1; JSON answer, errors as api(). */
export async function upload(path, form) {
  const send = () =>
    fetch(`/api/v1${path}`, {
      method: 'POST',
      headers: token() ? { authorization: `Bearer ${token()}` } : {},
      body: form,
    });
  let res = await send();
  if (res.status === 401 && (await refresh())) res = await send();
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Sends a text body (CSV) to /api/v1 with its content type; JSON answer, errors as api(). */
export async function sendText(method, path, text, type) {
  const send = () =>
    fetch(`/api/v1${path}`, {
      method,
      headers: { ...(token() ? { authorization: `Bearer ${token()}` } : {}), 'content-type': type },
      body: text,
    });
  let res = await send();
  if (res.status === 401 && (await refresh())) res = await send();
  const body = await res.text();
  const data = body ? JSON.parse(body) : undefined;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Downloads an API answer (an export) as a file: the token goes in a header, never in a URL. */
export async function download(path, filename) {
  const get = () =>
    fetch(`/api/v1${path}`, { headers: token() ? { authorization: `Bearer ${token()}` } : {} });
  let res = await get();
  if (res.status === 401 && (await refresh())) res = await get();
  if (!res.ok) {
    const text = await res.text();
    throw new ApiError(res.status, text ? JSON.parse(text) : undefined);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
