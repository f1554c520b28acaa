// A uPlot time series chart that follows its container's width.
import uPlot from '/ui/lib/uplot.js';
import { html, useEffect, useRef } from './html.js';

const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00']; // Okabe-Ito: colour-blind safe

/** `series`: [{label, points: [{t, v}]}] on one time axis; `format` formats y values. */
export function Chart({ title, series, format = (v) => String(v), height = 200, spanS }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !series?.length) return;
    const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const data = [times.map((t) => t / 1000)];
    for (const s of series) {
      const ys = new Array(times.length).fill(null);
      for (const p of s.points) ys[index.get(p.t)] = p.v;
      data.push(ys);
    }
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            dash: i % 2 ? [6, 3] : undefined, // line style too, not only colour
            value: (_u, v) => (v === null || v === undefined ? '–' : format(v)),
          })),
        ],
        axes: [{}, { values: (_u, ticks) => ticks.map(format), size: 80 }],
        scales: {
          x: {
            time: true,
            // Show the whole chosen range, not only the part that has points.
            range: spanS ? () => [Date.now() / 1000 - spanS, Date.now() / 1000] : undefined,
          },
        },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth || 600, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, height, spanS]);
  const empty = !series?.length || series.every((s) => s.points.length === 0);
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    ${empty ? html`<p class="muted">No data in this range yet.</p>` : null}
    <div ref=${box} class="chart-box" role="img" aria-label=${`${title} chart`}></div>
  </figure>`;
}
