import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** The recorder's web page the demo's HTTP check reads: loopback only, one line of HTML. */
export const DEMO_WEB_KEYWORD = 'Recorder OK';

export interface DemoWebPage {
  url: string;
  stop(): Promise<void>;
}

/** Serves a local stand-in for an NVR's status page on 127.0.0.1 (an ephemeral port). */
export async function startDemoWebPage(): Promise<DemoWebPage> {
  const server: Server = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>Demo NVR</title><p>${DEMO_WEB_KEYWORD}: 4 channels recording</p>`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Registers (or, after a restart, updates) a device without SNMP named `name` and its HTTP check on `url`,
 * which looks for DEMO_WEB_KEYWORD every `intervalS` seconds. Returns the device and check ids.
 */
export async function registerWebCheck(
  api: Api,
  siteId: number,
  name: string,
  url: string,
  intervalS: number,
): Promise<{ device: number; check: number }> {
  const devices = await api<{ devices: { id: number; name: string }[] }>(
    'GET',
    `/devices?site_id=${siteId}&per_page=500`,
  );
  const body = { name, ip_address: '127.0.0.1', site_id: siteId, device_type: 'server', snmp: null };
  const found = devices.devices.find((d) => d.name === name);
  const device = found
    ? (await api<{ id: number }>('PUT', `/devices/${found.id}`, body)).id
    : (await api<{ id: number }>('POST', '/devices', body)).id;
  const check = {
    name: 'web page',
    kind: 'http',
    params: { url, keyword: DEMO_WEB_KEYWORD },
    interval_s: intervalS,
  };
  const { checks } = await api<{ checks: { id: number; name: string }[] }>(
    'GET',
    `/checks?device_id=${device}`,
  );
  const existing = checks.find((c) => c.name === check.name);
  const id = existing
    ? (await api<{ id: number }>('PUT', `/checks/${existing.id}`, check)).id
    : (await api<{ id: number }>('POST', '/checks', { device_id: device, ...check })).id;
  return { device, check: id };
}
