import type { Repositories } from '../store/port.js';

const REF = /\{\{(device|camera|agent|site):([^}]+)\}\}/g;

/**
 * Replaces entity references (`{{device:7}}`, see `ref`) with current names: `core-sw (10.0.0.5)`, a camera's
 * name, an agent's id with its hostname, a site's name. Unknown ids stay readable (`device 7`).
 */
export async function renderRefs(
  store: Pick<Repositories, 'devices' | 'cameras' | 'sites' | 'agents'>,
  text: string,
): Promise<string> {
  if (!text.includes('{{')) return text;
  const names = new Map<string, string>();
  for (const [ref, kind, id] of text.matchAll(REF)) {
    if (names.has(ref)) continue;
    names.set(ref, await nameOf(store, kind as string, id as string));
  }
  return text.replace(REF, (ref) => names.get(ref) as string);
}

async function nameOf(
  store: Pick<Repositories, 'devices' | 'cameras' | 'sites' | 'agents'>,
  kind: string,
  id: string,
): Promise<string> {
  try {
    if (kind === 'device') {
      const d = await store.devices.get(Number(id));
      return d ? `${d.name} (${d.ip_address})` : `device ${id}`;
    }
    if (kind === 'camera') return (await store.cameras.get(Number(id)))?.name ?? `camera ${id}`;
    if (kind === 'site') return (await store.sites.get(Number(id)))?.name ?? `site ${id}`;
    const a = await store.agents.get(id);
    return a?.hostname ? `${id} (${a.hostname})` : id;
  } catch {
    return `${kind} ${id}`;
  }
}
