// Formatting for tables and charts.

export function bps(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let i = 0;
  let n = Number(v);
  while (Math.abs(n) >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(n < 10 && i > 0 ? 2 : n < 100 && i > 0 ? 1 : 0)} ${units[i]}`;
}

export function bytes(v) {
  if (v === null || v === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let n = Number(v);
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export const pct = (v) => (v === null || v === undefined ? '–' : `${Number(v).toFixed(1)} %`);
export const num = (v, d = 0) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));

/** "3 min ago" from an ISO string or epoch ms. */
export function ago(t) {
  if (!t) return 'never';
  const ms = Date.now() - (typeof t === 'number' ? t : Date.parse(t));
  const s = Math.round(ms / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function when(t) {
  if (!t) return '–';
  const d = new Date(typeof t === 'number' ? t : Date.parse(t));
  return d.toLocaleString();
}

export function duration(s) {
  if (s === null || s === undefined) return '–';
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}
