// The health grid: one cell per site, worst first, coloured and patterned by state (it reads without colour:
// the order, a pattern per state and each cell's label). One tab stop; arrow keys move between cells.
import { html, useRef } from '../html.js';

export const STATE_LABEL = {
  critical: 'Critical',
  problem: 'Problem',
  warning: 'Warning',
  ok: 'OK',
  empty: 'Not monitored yet',
};

function move(container, from, key) {
  const cells = [...container.querySelectorAll('a.cell')];
  const i = cells.indexOf(from);
  if (i < 0) return;
  // Cells per row: how many share the first cell's top.
  const top = cells[0].offsetTop;
  let cols = cells.findIndex((c) => c.offsetTop !== top);
  if (cols <= 0) cols = cells.length;
  const next = {
    ArrowRight: i + 1,
    ArrowLeft: i - 1,
    ArrowDown: i + cols,
    ArrowUp: i - cols,
    Home: 0,
    End: cells.length - 1,
  }[key];
  if (next === undefined) return false;
  const target = cells[Math.max(0, Math.min(cells.length - 1, next))];
  from.tabIndex = -1;
  target.tabIndex = 0;
  target.focus();
  return true;
}

export function HealthGrid({ cells }) {
  const box = useRef(null);
  const onKeyDown = (e) => {
    if (e.target instanceof HTMLAnchorElement && move(box.current, e.target, e.key)) e.preventDefault();
  };
  return html`<div ref=${box} class="health-grid" role="group" data-testid="health-grid"
    aria-label=${`Health of ${cells.length} sites, worst first. Arrow keys move between sites.`} onKeyDown=${onKeyDown}>
    ${cells.map(
      (c, i) => html`<a class=${`cell cell-${c.state}`} href=${`#/sites/${c.id}`} tabindex=${i === 0 ? 0 : -1}
        aria-label=${`${c.name}: ${STATE_LABEL[c.state]}${c.reason ? `, ${c.reason}` : ''}`}
        title=${`${c.name}: ${c.reason ?? STATE_LABEL[c.state]}`}></a>`,
    )}
  </div>`;
}

export function StateBadge({ state }) {
  return html`<span class=${`state state-${state}`}><span class=${`swatch cell-${state}`} aria-hidden="true"></span> ${STATE_LABEL[state] ?? state}</span>`;
}
