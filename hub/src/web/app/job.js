// A job's progress, live from job.changed events (poll now, camera test, snapshot).
import { get } from './api.js';
import { html, useEffect, useState } from './html.js';
import { useLive } from './live.js';
import { Status } from './ui.js';

const DONE = new Set(['succeeded', 'failed', 'cancelled', 'expired', 'timed_out']);

export function JobProgress({ jobId, onDone }) {
  const [job, setJob] = useState(null);
  const [logs, setLogs] = useState([]);
  useEffect(() => {
    setLogs([]);
    get(`/jobs/${jobId}`)
      .then(setJob)
      .catch(() => {});
  }, [jobId]);
  useLive(
    'job.changed',
    (e) => {
      if (e.job?.id !== jobId) return;
      setJob(e.job);
      if (e.logs?.length) setLogs((l) => [...l, ...e.logs].slice(-50));
    },
    [jobId],
  );
  useEffect(() => {
    if (job && DONE.has(job.state)) onDone?.(job);
  }, [job?.state]);
  if (!job) return html`<p class="muted" role="status">Job ${jobId}: sent…</p>`;
  const pct =
    job.progress !== null && job.progress !== undefined
      ? Math.round(job.progress * (job.progress <= 1 ? 100 : 1))
      : null;
  return html`<div class="job" role="status" data-testid="job" data-state=${job.state}>
    <p><strong>${job.type}</strong>: <${Status} value=${job.state === 'succeeded' ? 'online' : DONE.has(job.state) ? 'offline' : 'unknown'} /> ${job.state}
      ${pct !== null && !DONE.has(job.state) ? html` <progress max="100" value=${pct}>${pct} %</progress>` : null}</p>
    ${job.error ? html`<p class="error">${job.error}</p>` : null}
    ${logs.length ? html`<pre class="logs">${logs.map((l) => `${l.level}: ${l.line}`).join('\n')}</pre>` : null}
  </div>`;
}
