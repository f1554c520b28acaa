// Runs the agent service (the same startAgent as `outpost-agent run`) with a synthetic poller whose samples
// are numbered per run and device, so a test can prove that every sample reached the hub exactly once.
// Usage: node --import tsx test/support/agent-runner.ts --data DIR   (env: RUNNER_RUN, RUNNER_SAMPLES, OUTPOST_*)
import fs from 'node:fs';
import path from 'node:path';
import type { DeviceConfig, Sample } from '@outpost/protocol';
import { loadSettings } from '../../agent/src/config.js';
import { createLogger } from '../../agent/src/logger.js';
import { type Poller, startAgent } from '../../agent/src/runtime/index.js';

const dataIndex = process.argv.indexOf('--data');
const data = dataIndex > 0 ? process.argv[dataIndex + 1] : undefined;
const run = process.env.RUNNER_RUN ?? 'r1';
const perPoll = Number(process.env.RUNNER_SAMPLES ?? 20);
const settings = loadSettings({ data });
const log = createLogger(settings.logLevel, { name: 'agent-runner', run });

// Per device: samples produced and known to be in the outbox. A poll here resolves at once and the runtime
// appends its rows in the microtasks that follow, so when any timer fires the next poll, every sample
// produced before is in the outbox.
const produced = new Map<number, number>();
const committed = new Map<number, number>();
const committedFile = path.join(settings.dataDir, `committed-${run}.json`);
const saveCommitted = () => fs.writeFileSync(committedFile, JSON.stringify(Object.fromEntries(committed)));

const poller: Poller = {
  async poll(device: DeviceConfig) {
    for (const [id, n] of produced) committed.set(id, n);
    saveCommitted();
    const start = produced.get(device.id) ?? 0;
    const ts = Date.now();
    const samples: Sample[] = [];
    for (let n = start; n < start + perPoll; n++) {
      samples.push({
        device_id: device.id,
        metric: 'test_counter',
        value: n,
        ts,
        labels: { run, n: String(n) },
      });
    }
    produced.set(device.id, start + perPoll);
    return {
      samples,
      events: [
        {
          type: 'device_state',
          ts,
          device_id: device.id,
          status: 'online',
          sys: { name: `sim-${device.id}` },
        },
      ],
    };
  },
  async walk() {
    return { rows: 0, truncated: false };
  },
  forget() {},
  close() {},
};

const agent = await startAgent({ settings, log, poller, prober: null });
const stop = (signal: string) => {
  agent
    .stop(signal)
    .then(() => {
      for (const [id, n] of produced) committed.set(id, n);
      saveCommitted();
      process.exit(0);
    })
    .catch((err: unknown) => {
      log.error({ err }, 'stop failed');
      process.exit(1);
    });
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
