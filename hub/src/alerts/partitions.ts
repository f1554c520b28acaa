import type { AlertInput, RuleState } from './types.js';

// Rule state is kept per partition: the entity (device, camera, agent) an input or an alert target is about.

/** The entity an alert target belongs to (`device:7:if:3` -> `device:7`); rule state is kept per entity. */
export function partitionOf(key: string): string {
  return /^(device|camera|agent):[^:{]+/.exec(key)?.[0] ?? key;
}

export function inputPartition(i: AlertInput): string | undefined {
  switch (i.kind) {
    case 'device.status':
    case 'device.rebooted':
    case 'check.status':
      return `device:${i.device_id}`;
    case 'camera.status':
      return `camera:${i.camera_id}`;
    case 'agent.status':
      return `agent:${i.agent_id}`;
    case 'sample':
      return i.sample.device_id !== undefined
        ? `device:${i.sample.device_id}`
        : i.sample.camera_id !== undefined
          ? `camera:${i.sample.camera_id}`
          : `agent:${i.agent_id}`;
    case 'agent.event': {
      const e = i.event as { device_id?: number; camera_id?: number };
      return e.device_id !== undefined
        ? `device:${e.device_id}`
        : e.camera_id !== undefined
          ? `camera:${e.camera_id}`
          : `agent:${i.agent_id}`;
    }
    case 'tick':
      return undefined;
  }
}

/** Whether a partition's state has something a clock tick can change (pending, firing, watched for silence). */
export const needsTick = (state: RuleState) =>
  Object.values(state).some((t) => t.firing || t.since !== undefined || t.data?.seen_at !== undefined);
