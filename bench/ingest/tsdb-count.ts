/**
 * Samples a Prometheus-compatible TSDB (VictoriaMetrics) holds for the hub's series since `fromMs`, asked until
 * it reports at least `atLeast` (new samples become searchable within a second or so) or 30 s have passed.
 */
export async function storedSamples(url: string, fromMs: number, atLeast: number): Promise<number> {
  const now = Date.now();
  const range = Math.ceil((now - fromMs) / 1000) + 3600;
  let stored = 0;
  for (let i = 0; i < 30; i++) {
    const res = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      body: new URLSearchParams({
        query: `sum(count_over_time({outpost_metric!=""}[${range}s]))`,
        time: String(now / 1000),
      }),
    });
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    stored = Number(body.data.result[0]?.value[1] ?? 0);
    if (stored >= atLeast) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return stored;
}
