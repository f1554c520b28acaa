// `npm run demo`: the all-in-one mode plus a simulated site (switch, router, access point, UPS, and a camera when
// GStreamer's RTSP server is installed); the access point goes down and comes back every few minutes.
import { type AllInOne, StartError, startAllInOne } from './all-in-one.js';
import { startDemoCamera } from './demo-camera.js';
import { registerCamera, registerDevices } from './demo-site.js';
import { startFlapper } from './flapper.js';
import { exitOnStartError, stopOnSignal } from './lifecycle.js';
import { startNotifySink } from './notify-sink.js';
import { type SimulatedDevice, startSimulatedSite } from './sim/index.js';

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
try {
  const env = process.env;
  const flapS = seconds(env, 'OUTPOST_DEMO_FLAP_S', 180, 10);
  const downS = seconds(env, 'OUTPOST_DEMO_DOWN_S', Math.min(75, Math.floor(flapS / 2)), 5);
  const pollS = seconds(env, 'OUTPOST_DEMO_POLL_S', 15, 5);
  // The simulated devices first: their ports and communities are registered through the API.
  devices = await startSimulatedSite();
  // The demo's notification sink listens on loopback, which channels may not reach unless allowed.
  running = await startAllInOne({ say, defaults: { notifyAllowedNetworks: ['127.0.0.1/32'] } });
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
  const sink = await startNotifySink(hub.api, say);
  say(`demo: notifications go to the "demo-console" webhook channel and are printed here (${sink.url}).`);
  const victim = devices.find((d) => d.kind === 'access_point') ?? devices[0]!;
  const flapper = startFlapper(victim, { everyS: flapS, downS, say });
  say(
    `demo: ${victim.name} (device ${ids[devices.indexOf(victim)]}) goes down every ${flapS} s for ${downS} s (OUTPOST_DEMO_FLAP_S, OUTPOST_DEMO_DOWN_S).`,
  );
  stopOnSignal(async () => {
    await flapper.stop();
    await hub.close({ signalled: true });
    await sink.stop();
    if ('server' in camera) await camera.server.stop();
    await Promise.all(devices.map((d) => d.stop()));
  });
} catch (err) {
  // Stop what started (the agent is a child process that would outlive an exit).
  await running?.close().catch(() => {});
  await Promise.all(devices.map((d) => d.stop().catch(() => {})));
  exitOnStartError(err, 'npm run demo');
}
