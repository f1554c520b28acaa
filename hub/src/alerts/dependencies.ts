/** What the engine knows about the topology, kept current from hub events. */
export interface DependencyFacts {
  /**
   * Agents by id: their site, whether online, since when (ms), and whether they have reported an empty outbox
   * backlog since they came online (nothing buffered left to deliver).
   */
  agents: ReadonlyMap<string, { site_id: number; online: boolean; since: number; drained?: boolean }>;
  /** A device's uplink: its manual parent (devices.parent_id), else the one inferred from the site's topology. */
  deviceParent: ReadonlyMap<number, number | null>;
  /** A camera's uplink device, manual or inferred. */
  cameraParent?: ReadonlyMap<number, number | null>;
  /** Devices currently reported unreachable. */
  deviceDown: ReadonlySet<number>;
}

export interface DependencyTarget {
  device_id?: number | null;
  camera_id?: number | null;
  site_id?: number | null;
  agent_id?: string | null;
}

/**
 * Why an alert about `target` should be recorded but not notified, or null. A device or camera alert is
 * suppressed while its site's agent is offline (the agent's own alert says it all) and for `graceMs` after
 * the agent reconnects (its buffered and first fresh polls arrive then) unless the agent has reported an empty
 * backlog since (nothing buffered: what arrives is live); a device or camera alert is suppressed while one of
 * its parent devices (uplinks, manual or inferred) is unreachable, naming the topmost one that is.
 */
export function suppressionFor(
  target: DependencyTarget,
  facts: DependencyFacts,
  now: number,
  graceMs: number,
) {
  if (target.device_id == null && target.camera_id == null) return null;
  if (target.site_id != null) {
    const agents = [...facts.agents.entries()].filter(([, a]) => a.site_id === target.site_id);
    const healthy = agents.some(([, a]) => a.online && (a.drained === true || now - a.since >= graceMs));
    if (agents.length > 0 && !healthy) {
      const offline = agents.find(([, a]) => !a.online);
      if (offline) return `agent ${offline[0]} offline`;
      return `agent ${agents[0]![0]} reconnected less than ${Math.round(graceMs / 1000)} s ago`;
    }
  }
  if (target.device_id != null || target.camera_id != null) {
    const seen = new Set<number>(target.device_id != null ? [target.device_id] : []);
    let parent =
      target.device_id != null
        ? (facts.deviceParent.get(target.device_id) ?? null)
        : (facts.cameraParent?.get(target.camera_id!) ?? null);
    // The topmost unreachable ancestor is named: what is behind a dead uplink is unreachable through it.
    let top: number | null = null;
    while (parent != null && !seen.has(parent)) {
      if (facts.deviceDown.has(parent)) top = parent;
      seen.add(parent);
      parent = facts.deviceParent.get(parent) ?? null;
    }
    if (top !== null) return `parent device ${top} unreachable`;
  }
  return null;
}
