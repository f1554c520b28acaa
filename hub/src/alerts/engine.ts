import type { HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import { alertToApi } from '../store/alerts.js';
import type { Db } from '../store/db.js';
import { suppressionFor } from './dependencies.js';
import { NOT_FLAPPING, recordTransition, settleFlap } from './flapping.js';
import { activeWindow, type MaintenanceWindow } from './maintenance.js';
import { loadWindows } from './maintenance-store.js';
import { renderRefs } from './names.js';
import { RULE_KINDS } from './rules/index.js';
import { ensureBuiltinRules, type LoadedRule, loadEnabledRules } from './rules-store.js';
import type { AlertSettings } from './settings.js';
import { configVersion } from './state.js';
import { type AlertRow, AlertStore } from './store.js';
import { Topology } from './topology.js';
import type { AlertInput, RuleAction, RuleState } from './types.js';

/** The entity an alert target belongs to (`device:7:if:3` -> `device:7`); rule state is kept per entity. */
export function partitionOf(key: string): string {
  return /^(device|camera|agent):[^:{]+/.exec(key)?.[0] ?? key;
}

function inputPartition(i: AlertInput): string | undefined {
  switch (i.kind) {
    case 'device.status':
    case 'device.rebooted':
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

interface RunningRule extends LoadedRule {
  fingerprint: string;
  metrics: ReadonlySet<string> | 'batch';
  partitions: Map<string, RuleState>;
  /** Partitions whose state has something a clock tick can change (pending, firing, watched for silence). */
  tickable: Set<string>;
}

const needsTick = (state: RuleState) =>
  Object.values(state).some((t) => t.firing || t.since !== undefined || t.data?.seen_at !== undefined);

export interface EngineOptions {
  db: Db;
  events: HubEvents;
  logger: Logger;
  clock: () => number;
  settings: AlertSettings;
  /** Called when notices may be due (an alert opened or resolved): the scheduler plans them after settling. */
  onAlertChange?: () => void;
}

/**
 * Runs the rules over hub events and clock ticks and keeps one alert per (rule, target): repeats update it,
 * a cleared condition resolves it, a quick return reopens it (and counts toward flapping). Notifying is the
 * notification scheduler's job; the engine only records facts (suppressed, maintenance, flapping).
 */
export class AlertEngine {
  readonly store: AlertStore;
  readonly topology: Topology;
  private rules: RunningRule[] = [];
  private windows: MaintenanceWindow[] = [];
  private version = '';
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly o: EngineOptions) {
    this.store = new AlertStore(o.db);
    this.topology = new Topology(o.db);
  }

  /** Loads rules, windows and topology, restores rule state from open alerts and subscribes to events. */
  start(): void {
    ensureBuiltinRules(this.o.db, this.o.clock());
    this.topology.load();
    this.reloadIfChanged(true);
    const ev = this.o.events;
    this.unsubscribe.push(
      ev.on('device.status', (e) => {
        this.topology.deviceStatus(e.device_id, e.status);
        this.handle({ kind: 'device.status', ...e });
      }),
      ev.on('device.rebooted', (e) => this.handle({ kind: 'device.rebooted', ...e })),
      ev.on('camera.status', (e) => this.handle({ kind: 'camera.status', ...e })),
      ev.on('agent.status', (e) => {
        this.topology.agentStatus(e.agent_id, e.site_id, e.state === 'online', this.o.clock(), e.buffered);
        this.handle({ kind: 'agent.status', ...e });
      }),
      ev.on('agent.buffered', (e) => this.topology.agentBuffered(e.agent_id, e.buffered)),
      ev.on('agent.event', (e) => this.handle({ kind: 'agent.event', ...e })),
      ev.on('samples', (e) => this.handleSamples(e)),
      ev.on('inventory.changed', (e) => this.inventoryChanged(e)),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Maintenance windows in force (the scheduler mutes notices with them). */
  maintenance(): readonly MaintenanceWindow[] {
    return this.windows;
  }

  /** Evaluates one input with every rule and applies their actions. */
  handle(input: AlertInput): void {
    const now = this.o.clock();
    const partition = inputPartition(input);
    for (const rule of this.rules) this.evaluate(rule, partition, input, now);
  }

  private handleSamples(e: {
    agent_id: string;
    site_id: number;
    samples: import('@outpost/protocol').Sample[];
  }) {
    const now = this.o.clock();
    for (const rule of this.rules) {
      if (rule.metrics === 'batch') {
        const first = e.samples[0];
        if (first) this.evaluate(rule, `agent:${e.agent_id}`, { kind: 'sample', ...e, sample: first }, now);
        continue;
      }
      if (rule.metrics.size === 0) continue;
      for (const sample of e.samples) {
        if (!rule.metrics.has(sample.metric)) continue;
        const deviceType =
          sample.device_id !== undefined ? this.topology.deviceType.get(sample.device_id) : undefined;
        const input: AlertInput = {
          kind: 'sample',
          agent_id: e.agent_id,
          site_id: e.site_id,
          device_type: deviceType,
          sample,
        };
        this.evaluate(rule, inputPartition(input), input, now);
      }
    }
  }

  /** A clock tick: absence of data and `for` durations, flap settling, config reload. */
  tick(): void {
    const now = this.o.clock();
    this.reloadIfChanged(false);
    for (const rule of this.rules) {
      for (const partition of [...rule.tickable])
        this.evaluate(rule, partition, { kind: 'tick', ts: now }, now);
    }
    const cfg = { windowMs: this.o.settings.flapWindowMs, threshold: this.o.settings.flapThreshold };
    for (const a of this.o.db.prepare('SELECT * FROM alerts WHERE flapping = 1').all() as AlertRow[]) {
      const s = settleFlap({ transitions: JSON.parse(a.transitions) as number[], flapping: true }, now, cfg);
      if (!s.flapping) this.changed('updated', this.store.setFlapping(a.id, s.transitions, false));
    }
  }

  private evaluate(rule: RunningRule, partition: string | undefined, input: AlertInput, now: number): void {
    if (partition === undefined) return;
    const kind = RULE_KINDS.get(rule.kind)!;
    let actions: RuleAction[];
    try {
      const before = rule.partitions.get(partition);
      const r = kind.evaluate(before ?? {}, input, now, rule);
      if (r.state !== before) this.setPartition(rule, partition, r.state);
      actions = r.actions;
    } catch (err) {
      this.o.logger.error({ err, rule: rule.key, input: input.kind }, 'alert rule failed');
      return;
    }
    for (const action of actions) {
      try {
        this.apply(rule, action, now);
      } catch (err) {
        this.o.logger.error({ err, rule: rule.key, action: action.type }, 'alert action failed');
      }
    }
  }

  private setPartition(rule: RunningRule, partition: string, state: RuleState): void {
    if (Object.keys(state).length === 0) rule.partitions.delete(partition);
    else rule.partitions.set(partition, state);
    if (needsTick(state)) rule.tickable.add(partition);
    else rule.tickable.delete(partition);
  }

  private apply(rule: RunningRule, a: RuleAction, now: number): void {
    const flapCfg = { windowMs: this.o.settings.flapWindowMs, threshold: this.o.settings.flapThreshold };
    if (a.type === 'clear') {
      const open = this.store.findOpen(rule.key, a.key);
      if (!open) return;
      const f = recordTransition(flapState(open), now, flapCfg);
      this.changed(
        'resolved',
        this.store.resolve(open.id, Math.min(a.ts, now), f.transitions, f.flapping, a.quiet ?? false),
      );
      return;
    }
    const severity = a.severity ?? rule.severity;
    const message = a.message === undefined ? null : renderRefs(this.o.db, a.message);
    const open = this.store.findOpen(rule.key, a.target.key);
    if (open) {
      this.changed('updated', this.store.repeat(open.id, Math.min(a.ts, now), message, severity));
      return;
    }
    const facts = {
      ts: Math.min(a.ts, now),
      opened_at: now,
      message,
      suppressed_by: suppressionFor(a.target, this.topology, now, this.o.settings.dependencyGraceMs),
      maintenance_id: activeWindow(this.windows, a.target, now)?.id ?? null,
    };
    const recent = this.store.findResolvedSince(rule.key, a.target.key, now - flapCfg.windowMs);
    if (recent) {
      const f = recordTransition(flapState(recent), now, flapCfg);
      this.changed('updated', this.store.reopen(recent.id, facts, f.transitions, f.flapping));
      return;
    }
    const row = this.store.insert({
      rule: rule.key,
      rule_id: rule.id,
      target: a.target,
      severity,
      title: renderRefs(this.o.db, a.title),
      ...facts,
      transitions: [now],
      flapping: false,
    });
    this.changed('created', row);
  }

  private changed(change: 'created' | 'updated' | 'resolved', row: AlertRow): void {
    this.o.events.emit('alert.changed', { change, alert: alertToApi(row) });
    if (change !== 'updated' || row.state === 'open') this.o.onAlertChange?.();
  }

  private inventoryChanged(e: { kind: 'site' | 'device' | 'camera'; id: number; change: string }): void {
    if (e.kind === 'device') this.topology.reloadDevice(e.id);
    if (e.change !== 'deleted' || e.kind === 'site') return;
    // Alerts about something that no longer exists resolve quietly, and its rule state goes.
    const partition = `${e.kind}:${e.id}`;
    const now = this.o.clock();
    for (const a of this.store.open()) {
      if (a.target_key && partitionOf(a.target_key) === partition) {
        this.changed('resolved', this.store.resolve(a.id, now, JSON.parse(a.transitions), false, true));
      }
    }
    for (const r of this.rules) {
      r.partitions.delete(partition);
      r.tickable.delete(partition);
    }
  }

  /** Reloads rules and windows when the API changed them; keeps the state of rules that did not change. */
  private reloadIfChanged(force: boolean): void {
    const version = configVersion(this.o.db);
    if (!force && version === this.version) return;
    this.version = version;
    this.windows = loadWindows(this.o.db, (id, why) =>
      this.o.logger.warn({ maintenance_id: id, why }, 'skipping window'),
    );
    const loaded = loadEnabledRules(this.o.db, (row, why) =>
      this.o.logger.warn({ rule: row.name, why }, 'skipping invalid alert rule'),
    );
    const previous = new Map(this.rules.map((r) => [r.id, r]));
    this.rules = loaded.map((r) => {
      const fingerprint = JSON.stringify([r.kind, r.params, r.severity]);
      const kept = previous.get(r.id);
      const kind = RULE_KINDS.get(r.kind)!;
      const metrics = kind.sampleMetrics?.(r.params) ?? [];
      return {
        ...r,
        fingerprint,
        metrics: metrics === 'batch' ? 'batch' : new Set(metrics),
        partitions: kept && kept.fingerprint === fingerprint ? kept.partitions : new Map(),
        tickable: kept && kept.fingerprint === fingerprint ? kept.tickable : new Set<string>(),
      };
    });
    const active = new Map(this.rules.map((r) => [r.key, r]));
    const now = this.o.clock();
    for (const a of this.store.open()) {
      const rule = active.get(a.rule);
      if (!rule) {
        // The rule was disabled or deleted: its alerts can no longer clear by themselves.
        if (a.rule_id !== null || RULE_KINDS.has(a.rule.split(':')[0]!))
          this.changed('resolved', this.store.resolve(a.id, now, JSON.parse(a.transitions), false, true));
        continue;
      }
      const partition = partitionOf(a.target_key!);
      const state = rule.partitions.get(partition) ?? {};
      if (state[a.target_key!]?.firing) continue;
      const target = {
        key: a.target_key!,
        device_id: a.device_id ?? undefined,
        camera_id: a.camera_id ?? undefined,
        site_id: a.site_id ?? undefined,
        agent_id: a.agent_id ?? undefined,
      };
      this.setPartition(rule, partition, {
        ...state,
        [a.target_key!]: { ...state[a.target_key!], firing: true, target, title: a.title, last: a.last_seen },
      });
    }
  }
}

function flapState(a: AlertRow) {
  return { ...NOT_FLAPPING, transitions: JSON.parse(a.transitions) as number[], flapping: a.flapping === 1 };
}
