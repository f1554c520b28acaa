import type { Db } from '../store/db.js';

const REF = /\{\{(device|camera|agent|site):([^}]+)\}\}/g;

/**
 * Replaces entity references (`{{device:7}}`, see `ref`) with current names: `core-sw (10.0.0.5)`, a camera's
 * name, an agent's id with its hostname, a site's name. Unknown ids stay readable (`device 7`).
 */
export function renderRefs(db: Db, text: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(REF, (_m, kind: string, id: string) => {
    try {
      if (kind === 'device') {
        const d = db.prepare('SELECT name, ip_address FROM devices WHERE id = ?').get(Number(id)) as
          | { name: string; ip_address: string }
          | undefined;
        return d ? `${d.name} (${d.ip_address})` : `device ${id}`;
      }
      if (kind === 'camera') {
        const c = db.prepare('SELECT name FROM cameras WHERE id = ?').get(Number(id)) as
          | { name: string }
          | undefined;
        return c ? c.name : `camera ${id}`;
      }
      if (kind === 'site') {
        const s = db.prepare('SELECT name FROM sites WHERE id = ?').get(Number(id)) as
          | { name: string }
          | undefined;
        return s ? s.name : `site ${id}`;
      }
      const a = db.prepare('SELECT hostname FROM agents WHERE id = ?').get(id) as
        | { hostname: string | null }
        | undefined;
      return a?.hostname ? `${id} (${a.hostname})` : id;
    } catch {
      return `${kind} ${id}`;
    }
  });
}
