// `npm run demo`: the all-in-one mode plus a simulated site (switch, router, access point, UPS, and a camera when
// GStreamer's RTSP server is installed); the access point goes down and comes back every few minutes. On Linux, a
// second simulated network (router, core and access switches, access points) is found by a real discovery,
// accepted, and drawn as the site's map with the upstream parents the hub inferred.

import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { type AllInOne, StartError, startAllInOne } from './all-in-one.js';
import { startDemoCamera } from './demo-camera.js';
import { DEMO_HUB_DEFAULTS } from './demo-settings.js';
import { registerCamera, registerDevices } from './demo-site.js';
import { type DemoWebPage, registerWebCheck, startDemoWebPage } from './demo-web.js';
import {
  addCredentialSet,
  type DiscoveredSite,
  discoverAndAccept,
  startDiscoveredSite,
} from './discovered-site.js';
import { startFlapper } from './flapper.js';
import { exitOnStartError, stopOnSignal } from './lifecycle.js';
import { startNotifySink } from './notify-sink.js';
import { AP_PORT, portIfIndex } from './sim/devices/switch.js';
import { type SimulatedDevice, sendLinkTrap, startSimulatedSite, type TrapTarget } from './sim/index.js';

/** A free UDP port on 127.0.0.1 for the agent's trap receiver (unless OUTPOST_AGENT_TRAPS_PORT is set). */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new StartError(`${name}: "${raw}" must be a whole number of seconds, at least ${min}`);
  return n;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
let devices: SimulatedDevice[] = [];
let running: AllInOne | undefined;
let lab: DiscoveredSite | undefined;
let web: DemoWebPage | undefined;
try {
  const env = process.env;
  const flapS = seconds(env, 'OUTPOST_DEMO_FLAP_S', 180, 10);
  const downS = seconds(env, 'OUTPOST_DEMO_DOWN_S', Math.min(75, Math.floor(flapS / 2)), 5);
  const pollS = seconds(env, 'OUTPOST_DEMO_POLL_S', 15, 5);
  // The simulated devices first: their ports and communities are registered through the API.
  devices = await startSimulatedSite();
  // The local agent receives the devices' SNMP traps (the hub's agentTraps* settings, sent in its config).
  const traps: TrapTarget = {
    port: Number(env.OUTPOST_AGENT_TRAPS_PORT) || (await freeUdpPort()),
    community: env.OUTPOST_AGENT_TRAPS_COMMUNITY || `demo-traps-${randomBytes(6).toString('hex')}`,
  };
  running = await startAllInOne({
    say,
    defaults: DEMO_HUB_DEFAULTS,
    env: {
      ...env,
      OUTPOST_AGENT_TRAPS_ENABLED: 'true',
      OUTPOST_AGENT_TRAPS_PORT: String(traps.port),
      OUTPOST_AGENT_TRAPS_COMMUNITY: traps.community,
    },
  });
  const hub = running;
  const ids = await registerDevices(hub.api, hub.siteId, devices, pollS);
  say(
    `demo: ${devices.length} simulated devices in site ${hub.siteId}: ${devices.map((d) => `${d.name} (udp/${d.port})`).join(', ')}`,
  );
  const camera = await startDemoCamera();
  if ('url' in camera) {
    const id = await registerCamera(hub.api, hub.siteId, 'demo-entrance-cam', camera.url);
    say(`demo: simulated camera ${id} at ${camera.url}`);
  } else {
    say(`demo: no simulated camera: ${camera.reason}`);
  }
  // A recorder's web page without SNMP, watched by an HTTP check (the device page's Checks card).
  web = await startDemoWebPage();
  const nvr = await registerWebCheck(hub.api, hub.siteId, 'demo-nvr', web.url, Math.max(10, pollS));
  say(
    `demo: device ${nvr.device} (demo-nvr, no SNMP) has an HTTP check on ${web.url}: ${hub.url}#/devices/${nvr.device}`,
  );
  if (process.platform === 'linux') {
    try {
      lab = await startDiscoveredSite();
      await addCredentialSet(hub.api, hub.siteId, lab);
      const { created } = await discoverAndAccept(hub.api, hub.siteId, lab);
      say(
        `demo: discovery of ${lab.range} found and created ${created.length} devices (router, core, access switches, access points); ` +
          `their map and inferred parents fill in within a minute or two: ${hub.url}#/sites/${hub.siteId}`,
      );
    } catch (err) {
      say(`demo: no discovered site: ${(err as Error).message}`);
    }
  }
  const sink = await startNotifySink(hub.api, say);
  say(`demo: notifications go to the "demo-console" webhook channel and are printed here (${sink.url}).`);
  const victim = devices.find((d) => d.kind === 'access_point') ?? devices[0]!;
  // The access point hangs off the switch: when it goes down the switch's port loses its link and the switch
  // says so with a linkDown trap (interface-down opens at once, before any poll); linkUp when it is back.
  const sw = devices.find((d) => d.kind === 'switch');
  const link = (up: boolean) => async () => {
    if (sw && victim.kind === 'access_point') await sendLinkTrap(sw, traps, portIfIndex(AP_PORT), up);
  };
  const flapper = startFlapper(victim, { everyS: flapS, downS, say, onDown: link(false), onUp: link(true) });
  say(
    `demo: ${victim.name} (device ${ids[devices.indexOf(victim)]}) goes down every ${flapS} s for ${downS} s (OUTPOST_DEMO_FLAP_S, OUTPOST_DEMO_DOWN_S); the switch sends linkDown/linkUp traps to the agent on udp/${traps.port}.`,
  );
  stopOnSignal(async () => {
    await flapper.stop();
    await hub.close({ signalled: true });
    await sink.stop();
    if ('server' in camera) await camera.server.stop();
    await web?.stop();
    await Promise.all(devices.map((d) => d.stop()));
    await lab?.stop();
  });
} catch (err) {
  // Stop what started (the agent is a child process that would outlive an exit).
  await running?.close().catch(() => {});
  await Promise.all(devices.map((d) => d.stop().catch(() => {})));
  await web?.stop().catch(() => {});
  await lab?.stop().catch(() => {});
  exitOnStartError(err, 'npm run demo');
}
