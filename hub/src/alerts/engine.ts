import type { AgentEvent } from '@outpost/protocol';
import type { HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import type { AlertRow } from '../store/alerts.js';
import type { HubStore } from '../store/port.js';
import { type AlertChange, applyAction } from './apply-action.js';
import { settleFlap } from './flapping.js';
import { Lane } from './lane.js';
import type { MaintenanceWindow } from './maintenance.js';
import { loadWindows } from './maintenance-store.js';
import { inputPartition, needsTick, partitionOf } from './partitions.js';
import { RULE_KINDS } from './rules/index.js';
import { unnamedLink } from './rules/trap-fields.js';
import { ensureBuiltinRules, type LoadedRule, loadEnabledRules } from './rules-store.js';
import type { AlertSettings } from './settings.js';
import { Topology } from './topology.js';
import type { AlertInput, RuleAction, RuleState } from './types.js';
import { alertToApi } from './view.js';

interface RunningRule extends LoadedRule {
  fingerprint: string;
  metrics: ReadonlySet<string> | 'batch';
  partitions: Map<string, RuleState>;
  /** Partitions whose state has something a clock tick can change (pending, firing, watched for silence). */
  tickable: Set<string>;
}

export interface EngineOptions {
  store: HubStore;
  events: HubEvents;
  logger: Logger;
  clock: () => number;
  settings: AlertSettings;
  /** Called when notices may be due (an alert opened or resolved): the scheduler plans them after settling. */
  onAlertChange?: () => void;
  /**
   * The name of a device's interface as the hub knows it (from its polls), for link traps that do not carry
   * it; undefined when unknown.
   */
  interfaceName?: (deviceId: number, ifIndex: string) => Promise<string | undefined>;
}

/**
 * Runs the rules over hub events and clock ticks and keeps one alert per (rule, target): repeats update it,
 * a cleared condition resolves it, a quick return reopens it (and counts toward flapping). Notifying is the
 * notification scheduler's job; the engine only records facts (suppressed, maintenance, flapping).
 *
 * Every input, tick and reload runs on one lane, one after another in arrival order: an action reads the
 * store (is this alert open?) and then writes it, and two inputs about one target must not interleave.
 */
export class AlertEngine {
  readonly topology: Topology;
  /** The engine's work, one job at a time; the notification scheduler queues its sweeps here too. */
  readonly lane = new Lane();
  private rules: RunningRule[] = [];
  /** sampleRules()'s index and the rule list it was built from. */
  private byMetric = new Map<string, RunningRule[]>();
  private byMetricOf: RunningRule[] | undefined;
  private windows: MaintenanceWindow[] = [];
  private version = '';
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly o: EngineOptions) {
    this.topology = new Topology(o.store);
  }

  private get store() {
    return this.o.store.alerts;
  }

  /** Loads rules, windows and topology, restores rule state from open alerts and subscribes to events. */
  async start(): Promise<void> {
    await this.lane.run(async () => {
      await ensureBuiltinRules(this.o.store.alertRules, this.o.clock());
      await this.topology.load();
      await this.reloadIfChanged(true);
    });
    const ev = this.o.events;
    // Each input is evaluated at the time it arrived (`now` taken here), however long it waited in the lane.
    const queue = (what: string, job: (now: number) => Promise<void> | void) => {
      const now = this.o.clock();
      this.lane
        .run(() => job(now))
        .catch((err) => this.o.logger.error({ err, input: what }, 'alert engine failed'));
    };
    this.unsubscribe.push(
      ev.on('device.status', (e) =>
        queue('device.status', (now) => {
          this.topology.deviceStatus(e.device_id, e.status);
          return this.evaluateAll({ kind: 'device.status', ...e }, now);
        }),
      ),
      ev.on('device.rebooted', (e) =>
        queue('device.rebooted', (now) => this.evaluateAll({ kind: 'device.rebooted', ...e }, now)),
      ),
      ev.on('check.status', (e) =>
        queue('check.status', (now) => this.evaluateAll({ kind: 'check.status', ...e }, now)),
      ),
      ev.on('camera.status', (e) =>
        queue('camera.status', (now) => this.evaluateAll({ kind: 'camera.status', ...e }, now)),
      ),
      ev.on('agent.status', (e) =>
        queue('agent.status', (now) => {
          this.topology.agentStatus(e.agent_id, e.site_id, e.state === 'online', now, e.buffered);
          return this.evaluateAll({ kind: 'agent.status', ...e }, now);
        }),
      ),
      ev.on('agent.buffered', (e) =>
        queue('agent.buffered', () => this.topology.agentBuffered(e.agent_id, e.buffered)),
      ),
      ev.on('agent.event', (e) =>
        queue('agent.event', async (now) =>
          this.evaluateAll({ kind: 'agent.event', ...e, event: await this.named(e.event) }, now),
        ),
      ),
      ev.on('samples', (e) => queue('samples', (now) => this.handleSamples(e, now))),
      ev.on('inventory.changed', (e) => queue('inventory.changed', (now) => this.inventoryChanged(e, now))),
      ev.on('dependencies.changed', (e) =>
        queue('dependencies.changed', () => this.topology.reloadInferred(e.site_id)),
      ),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Resolves once every input received so far has been applied. */
  idle(): Promise<void> {
    return this.lane.idle();
  }

  /** Maintenance windows in force (the scheduler mutes notices with them). */
  maintenance(): readonly MaintenanceWindow[] {
    return this.windows;
  }

  /** Evaluates one input with every rule and applies their actions (queued behind earlier inputs). */
  handle(input: AlertInput): Promise<void> {
    const now = this.o.clock();
    return this.lane.run(() => this.evaluateAll(input, now));
  }

  /** A link trap without its interface's name gets the one the hub knows (`if_name`), when it knows one. */
  private async named(event: AgentEvent): Promise<AgentEvent> {
    const link = unnamedLink(event);
    if (!link || !this.o.interfaceName) return event;
    const name = await this.o.interfaceName(link.device_id, link.ifIndex).catch((err: unknown) => {
      this.o.logger.warn({ err, device: link.device_id }, 'interface name lookup failed');
      return undefined;
    });
    return name ? ({ ...event, if_name: name } as AgentEvent) : event;
  }

  private async evaluateAll(input: AlertInput, now: number): Promise<void> {
    const partition = inputPartition(input);
    for (const rule of this.rules) await this.evaluate(rule, partition, input, now);
  }

  private async handleSamples(
    e: {
      agent_id: string;
      site_id: number;
      samples: import('@outpost/protocol').Sample[];
    },
    now: number,
  ) {
    // One pass over the batch picks the samples each rule reads (most samples are read by none); the rules
    // then run one after another over theirs, in the batch's order, as if each had scanned the batch itself.
    const byMetric = this.sampleRules();
    const picked = new Map<RunningRule, import('@outpost/protocol').Sample[]>();
    if (byMetric.size > 0) {
      for (const sample of e.samples) {
        const rules = byMetric.get(sample.metric);
        if (rules === undefined) continue;
        for (const rule of rules) {
          const list = picked.get(rule);
          if (list) list.push(sample);
          else picked.set(rule, [sample]);
        }
      }
    }
    for (const rule of this.rules) {
      if (rule.metrics === 'batch') {
        const first = e.samples[0];
        if (first)
          await this.evaluate(rule, `agent:${e.agent_id}`, { kind: 'sample', ...e, sample: first }, now);
        continue;
      }
      for (const sample of picked.get(rule) ?? []) {
        const deviceType =
          sample.device_id !== undefined ? this.topology.deviceType.get(sample.device_id) : undefined;
        const input: AlertInput = {
          kind: 'sample',
          agent_id: e.agent_id,
          site_id: e.site_id,
          device_type: deviceType,
          sample,
        };
        // Most samples change nothing: only a rule's actions (store reads and writes) wait.
        const actions = this.evaluateNow(rule, inputPartition(input), input, now);
        if (actions.length > 0) await this.applyAll(rule, actions, now);
      }
    }
  }

  /** metric -> the rules (in their order) that read samples of it; rebuilt when the rules change. */
  private sampleRules(): Map<string, RunningRule[]> {
    if (this.byMetricOf === this.rules) return this.byMetric;
    const out = new Map<string, RunningRule[]>();
    for (const rule of this.rules) {
      if (rule.metrics === 'batch') continue;
      for (const m of rule.metrics) {
        const list = out.get(m);
        if (list) list.push(rule);
        else out.set(m, [rule]);
      }
    }
    this.byMetric = out;
    this.byMetricOf = this.rules;
    return out;
  }

  /** A clock tick: absence of data and `for` durations, flap settling, config reload (queued). */
  tick(): Promise<void> {
    const now = this.o.clock();
    return this.lane.run(() => this.tickNow(now));
  }

  private async tickNow(now: number): Promise<void> {
    await this.reloadIfChanged(false, now);
    for (const rule of this.rules) {
      for (const partition of [...rule.tickable])
        await this.evaluate(rule, partition, { kind: 'tick', ts: now }, now);
    }
    const cfg = { windowMs: this.o.settings.flapWindowMs, threshold: this.o.settings.flapThreshold };
    for (const a of await this.store.flapping()) {
      const s = settleFlap({ transitions: JSON.parse(a.transitions) as number[], flapping: true }, now, cfg);
      if (!s.flapping) this.changed('updated', await this.store.setFlapping(a.id, s.transitions, false));
    }
  }

  private async evaluate(
    rule: RunningRule,
    partition: string | undefined,
    input: AlertInput,
    now: number,
  ): Promise<void> {
    const actions = this.evaluateNow(rule, partition, input, now);
    if (actions.length > 0) await this.applyAll(rule, actions, now);
  }

  /** Runs one rule over one input and keeps its new state; returns the actions it asks for. */
  private evaluateNow(
    rule: RunningRule,
    partition: string | undefined,
    input: AlertInput,
    now: number,
  ): RuleAction[] {
    if (partition === undefined) return [];
    const kind = RULE_KINDS.get(rule.kind)!;
    try {
      const before = rule.partitions.get(partition);
      const r = kind.evaluate(before ?? {}, input, now, rule);
      if (r.state !== before) this.setPartition(rule, partition, r.state);
      return r.actions;
    } catch (err) {
      this.o.logger.error({ err, rule: rule.key, input: input.kind }, 'alert rule failed');
      return [];
    }
  }

  private async applyAll(rule: RunningRule, actions: RuleAction[], now: number): Promise<void> {
    for (const action of actions) {
      try {
        await applyAction(
          {
            store: this.o.store,
            settings: this.o.settings,
            topology: this.topology,
            windows: this.windows,
            changed: (change, row) => this.changed(change, row),
          },
          rule,
          action,
          now,
        );
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

  private changed(change: AlertChange, row: AlertRow): void {
    this.o.events.emit('alert.changed', { change, alert: alertToApi(row) });
    if (change !== 'updated' || row.state === 'open') this.o.onAlertChange?.();
  }

  private async inventoryChanged(
    e: { kind: 'site' | 'device' | 'camera' | 'check'; id: number; change: string },
    now: number,
  ): Promise<void> {
    if (e.kind === 'device') await this.topology.reloadDevice(e.id);
    if (e.kind === 'camera') await this.topology.reloadCamera(e.id);
    if (e.change !== 'deleted' || e.kind === 'site') return;
    // Alerts about something that no longer exists resolve quietly, and its rule state goes. A check's
    // targets live in its device's partition (`device:7:check:5`).
    const partition = `${e.kind}:${e.id}`;
    const gone = (key: string) =>
      e.kind === 'check' ? key.endsWith(`:check:${e.id}`) : partitionOf(key) === partition;
    for (const a of await this.store.open()) {
      if (a.target_key && gone(a.target_key)) {
        this.changed('resolved', await this.store.resolve(a.id, now, JSON.parse(a.transitions), false, true));
      }
    }
    for (const r of this.rules) {
      if (e.kind === 'check') {
        for (const [p, state] of r.partitions) {
          const keys = Object.keys(state).filter(gone);
          if (keys.length === 0) continue;
          const next = { ...state };
          for (const k of keys) delete next[k];
          r.partitions.set(p, next);
        }
        continue;
      }
      r.partitions.delete(partition);
      r.tickable.delete(partition);
    }
  }

  /** Reloads rules and windows when the API changed them; keeps the state of rules that did not change. */
  private async reloadIfChanged(force: boolean, now = this.o.clock()): Promise<void> {
    const version = await this.o.store.alertingState.configVersion();
    if (!force && version === this.version) return;
    this.version = version;
    this.windows = await loadWindows(this.o.store.maintenance, (id, why) =>
      this.o.logger.warn({ maintenance_id: id, why }, 'skipping window'),
    );
    const loaded = await loadEnabledRules(this.o.store.alertRules, (row, why) =>
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
    for (const a of await this.store.open()) {
      const rule = active.get(a.rule);
      if (!rule) {
        // The rule was disabled or deleted: its alerts can no longer clear by themselves.
        if (a.rule_id !== null || RULE_KINDS.has(a.rule.split(':')[0]!))
          this.changed(
            'resolved',
            await this.store.resolve(a.id, now, JSON.parse(a.transitions), false, true),
          );
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
