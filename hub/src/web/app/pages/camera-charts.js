// Frame rate, bitrate and RTSP response time of a camera over 1 h / 24 h / 7 d.
import { Chart } from '../chart.js';
import { bps } from '../format.js';
import { html, useEffect, useState } from '../html.js';
import { fetchMetric, RANGES } from '../metrics.js';

const CHARTS = [
  { name: 'stream_fps', title: 'Frame rate', format: (v) => `${v.toFixed(1)} fps` },
  { name: 'stream_bitrate_kbps', title: 'Bitrate', format: (v) => bps(v * 1000) },
  { name: 'rtsp_response_ms', title: 'RTSP response time', format: (v) => `${Math.round(v)} ms` },
];

async function loadCharts(id, range) {
  const results = await Promise.all(CHARTS.map((c) => fetchMetric(`/cameras/${id}`, c.name, range)));
  return CHARTS.map((c, i) => ({
    ...c,
    series: results[i] ? [{ label: c.title, points: results[i].points }] : null,
  }));
}

export function CameraCharts({ cameraId, stamp }) {
  const [range, setRange] = useState('1h');
  const [charts, setCharts] = useState(null);
  useEffect(() => {
    loadCharts(cameraId, range).then(setCharts, () => setCharts(null));
  }, [cameraId, range, stamp]);
  return html`<section class="card" data-testid="camera-charts">
    <div class="title-row"><h2>Charts</h2>
      <div class="tabs" role="group" aria-label="Time range">
        ${Object.keys(RANGES).map((r) => html`<button type="button" aria-pressed=${r === range} onClick=${() => setRange(r)}>${r}</button>`)}
      </div>
    </div>
    <div class="charts">
      ${(charts ?? CHARTS).map(
        (c) =>
          html`<${Chart} title=${c.title} series=${c.series ?? null} format=${c.format} spanS=${RANGES[range][0]} />`,
      )}
    </div>
  </section>`;
}
