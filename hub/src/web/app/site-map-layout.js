// Layout of a site's map: a tidy tree from the agent down through each node's upstream parent (leaves spread in
// order, a parent centred over its children), nodes without a place in a row of their own at the bottom. Pure.

export const NODE_W = 150;
export const ROW_H = 110;

/**
 * `nodes`: [{key, parent_key}] where parent_key is the upstream node (or the agent's key, or null when unplaced);
 * returns Map key -> {x, y} in pixels and the drawing's width and height.
 */
export function layoutSiteMap(nodes, rootKey) {
  const children = new Map();
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  for (const n of nodes) {
    if (n.key === rootKey || !n.parent_key || !byKey.has(n.parent_key)) continue;
    const list = children.get(n.parent_key) ?? [];
    list.push(n.key);
    children.set(n.parent_key, list);
  }
  for (const list of children.values())
    list.sort((a, b) => (byKey.get(a).name ?? a).localeCompare(byKey.get(b).name ?? b));
  const pos = new Map();
  let next = 0;
  let depthMax = 0;
  const place = (key, depth, seen) => {
    if (seen.has(key)) return;
    seen.add(key);
    depthMax = Math.max(depthMax, depth);
    const kids = (children.get(key) ?? []).filter((k) => !seen.has(k));
    for (const k of kids) place(k, depth + 1, seen);
    const xs = kids.map((k) => pos.get(k)?.col).filter((c) => c !== undefined);
    const col = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : next++;
    pos.set(key, { col, depth });
  };
  const seen = new Set();
  if (rootKey && byKey.has(rootKey)) place(rootKey, 0, seen);
  const loose = nodes.filter((n) => !seen.has(n.key));
  const looseDepth = seen.size ? depthMax + 1.4 : 0;
  loose.forEach((n, i) => {
    pos.set(n.key, { col: i, depth: looseDepth });
  });
  const cols = Math.max(next, loose.length, 1);
  const out = new Map();
  for (const [key, p] of pos) out.set(key, { x: 40 + p.col * NODE_W + NODE_W / 2, y: 40 + p.depth * ROW_H });
  return {
    positions: out,
    width: 80 + cols * NODE_W,
    height: 80 + (Math.max(depthMax, looseDepth) + 1) * ROW_H,
  };
}
