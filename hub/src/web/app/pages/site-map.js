// A site's map: devices and cameras as the agent reaches them (upstream parents: manual, pinned or inferred),
// links with their port names, status colours and open alerts on the nodes. Local SVG, no external assets.
import { html } from '../html.js';
import { layoutSiteMap, NODE_W } from '../site-map-layout.js';

const ICON = {
  agent: '⌂',
  switch: '⇄',
  router: '⇆',
  access_point: '◎',
  firewall: '▣',
  camera: '◉',
  ups: '⚡',
  server: '▤',
  printer: '⎙',
};

function colour(status) {
  if (status === 'online' || status === 'up') return 'var(--ok, #1a7f37)';
  if (status === 'unreachable' || status === 'offline' || status === 'down') return 'var(--bad, #c62828)';
  if (status === 'degraded' || status === 'auth_failed') return 'var(--warn, #b26a00)';
  return 'var(--muted, #6b7280)';
}

/** The map of `topology` (GET /sites/{id}/topology). */
export function SiteMap({ topology }) {
  const nodes = topology.nodes;
  const { positions, width, height } = layoutSiteMap(nodes, topology.root?.key ?? null);
  const at = (k) => positions.get(k);
  const tree = new Set(nodes.filter((n) => n.parent_key).map((n) => [n.key, n.parent_key].sort().join('|')));
  return html`<div class="site-map" data-testid="site-map">
    <svg viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="group" aria-label="Site map: devices and cameras from the agent down; each links to its page">
      ${topology.links.map((l) => {
        const a = at(l.a);
        const b = at(l.b);
        if (!a || !b) return null;
        const inTree = tree.has([l.a, l.b].sort().join('|'));
        const lx = (f) => a.x + (b.x - a.x) * f;
        const ly = (f) => a.y + (b.y - a.y) * f;
        return html`<g class=${`link link-${l.source}`}>
          <title>${l.evidence}</title>
          <line x1=${a.x} y1=${a.y} x2=${b.x} y2=${b.y} stroke=${inTree ? '#4b5563' : '#9ca3af'} stroke-width=${inTree ? 2 : 1} stroke-dasharray=${inTree ? '' : '4 4'} />
          ${l.a_port ? html`<text x=${lx(0.28)} y=${ly(0.28) - 4} class="port-label" text-anchor="middle">${l.a_port}</text>` : null}
          ${l.b_port ? html`<text x=${lx(0.72)} y=${ly(0.72) - 4} class="port-label" text-anchor="middle">${l.b_port}</text>` : null}
        </g>`;
      })}
      ${nodes.map((n) => {
        const p = at(n.key);
        if (!p) return null;
        const href =
          n.kind === 'device' ? `#/devices/${n.id}` : n.kind === 'camera' ? `#/cameras/${n.id}` : null;
        const body = html`<g class=${`node node-${n.kind}`} data-key=${n.key} data-status=${n.status ?? ''}>
          <title>${[n.name, n.ip, n.status, n.parent_source ? `parent: ${n.parent_source}` : null, ...(n.evidence ?? [])].filter(Boolean).join('\n')}</title>
          <circle cx=${p.x} cy=${p.y} r="20" fill="#fff" stroke=${colour(n.status)} stroke-width="4" />
          <text x=${p.x} y=${p.y + 6} text-anchor="middle" class="node-icon" aria-hidden="true">${ICON[n.type] ?? ICON[n.kind] ?? '•'}</text>
          ${n.open_alerts ? html`<g class="alert-badge"><circle cx=${p.x + 18} cy=${p.y - 16} r="10" fill="#c62828" /><text x=${p.x + 18} y=${p.y - 12} text-anchor="middle" fill="#fff" class="badge-text">${n.open_alerts}</text></g>` : null}
          <text x=${p.x} y=${p.y + 38} text-anchor="middle" class="node-name">${truncate(n.name, NODE_W / 7)}</text>
          ${n.ip ? html`<text x=${p.x} y=${p.y + 52} text-anchor="middle" class="node-ip">${n.ip}</text>` : null}
        </g>`;
        return href ? html`<a href=${href}>${body}</a>` : body;
      })}
    </svg>
    ${topology.unplaced?.length ? html`<p class="muted small">Not placed (no link or learnt MAC reaches them from the agent yet): ${topology.unplaced.length}; they sit in the bottom row.</p>` : null}
    ${topology.root ? html`<p class="muted small">Agent position: ${topology.root.evidence}</p>` : html`<p class="muted small">The agent's position is not known yet: parents are inferred once its MAC shows in a switch's forwarding table or its gateway is a monitored device.</p>`}
  </div>`;
}

function truncate(s, n) {
  return s.length > n ? `${s.slice(0, Math.max(1, n - 1))}…` : s;
}
