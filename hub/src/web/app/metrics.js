// Metric points of a device or camera for the chart ranges (GET /{devices|cameras}/{id}/metrics).
import { get, query } from './api.js';

/** Chart ranges: span in seconds and the step the hub averages into. */
export const RANGES = { '1h': [3600, '1m'], '24h': [86_400, '10m'], '7d': [7 * 86_400, '1h'] };

/** The points of one metric over a range, or null when the target has no such metric. */
export async function fetchMetric(base, name, range, labels) {
  const [span, step] = RANGES[range];
  const from = new Date(Date.now() - span * 1000).toISOString();
  try {
    return await get(`${base}/metrics${query({ name, from, step, labels })}`);
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}
