import { registry } from '@outpost/protocol';
import { agentNetworkTargets } from './agent-network.js';
import { cameraTargets } from './camera.js';
import { checkTargets } from './check.js';
import { deviceTargets } from './device.js';
import { snapshotTargets } from './snapshot.js';
import { topologyTargets } from './topology.js';
import type { TargetDeps, TargetKind } from './types.js';

export type { TargetDeps, TargetKind, TargetKindFactory } from './types.js';

/** Every kind of target the runtime schedules: one file each, one line here. */
const FACTORIES = [
  deviceTargets,
  cameraTargets,
  snapshotTargets,
  checkTargets,
  topologyTargets,
  agentNetworkTargets,
];

/** Builds the target kinds of this agent; two kinds with one name are a programming error. */
export function buildTargetKinds(deps: TargetDeps): ReadonlyMap<string, TargetKind> {
  return registry(
    'target kind',
    FACTORIES.map((f) => f(deps)),
    (k) => k.name,
  );
}
