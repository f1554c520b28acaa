import { CHECK_KINDS, type CheckConfig, type KnownEvent, type Sample } from '@outpost/protocol';
import type { Outcome } from '../runtime/types.js';
import { CHECK_UNITS, type LazyCheckUnit } from './index.js';
import type { CheckOutput, CheckUnit } from './types.js';

export interface CheckRunnerOptions {
  units?: ReadonlyMap<string, LazyCheckUnit>;
  now?: () => number;
  /** Aborts every check in flight (agent stop). */
  signal?: AbortSignal;
}

/** Runs checks of any registered kind: the policy (timeouts, failures, samples, events) in one place. */
export interface CheckRunner {
  /** Runs one check. Never throws: a failure is a `down` check_state with the reason. */
  run(check: CheckConfig): Promise<Outcome>;
  /** What the check looks at, for `status` (`https://nvr.local/`). */
  target(check: CheckConfig): string;
  /** Kinds whose code has been loaded (for the memory budget: only configured kinds load). */
  loaded(): string[];
}

export function createCheckRunner(options: CheckRunnerOptions = {}): CheckRunner {
  const units = options.units ?? CHECK_UNITS;
  const now = options.now ?? Date.now;
  const loading = new Map<string, Promise<CheckUnit>>();
  const loaded = new Set<string>();

  const unitOf = (kind: string): Promise<CheckUnit> | undefined => {
    const lazy = units.get(kind);
    if (!lazy) return undefined;
    let p = loading.get(kind);
    if (!p) {
      p = lazy.load().then(
        (u) => {
          loaded.add(kind);
          return u;
        },
        (err: unknown) => {
          loading.delete(kind); // retried by the next run
          throw err;
        },
      );
      loading.set(kind, p);
    }
    return p;
  };

  async function runOnce(check: CheckConfig): Promise<{ out: CheckOutput; extra: KnownEvent[] }> {
    const pending = unitOf(check.kind);
    if (!pending) {
      const message = `check ${check.id} (${check.name}): this agent cannot run "${check.kind}" checks; upgrade it`;
      return {
        out: { status: 'down', error: message },
        extra: [
          { type: 'error', ts: now(), code: 'unknown_check_kind', message, device_id: check.device_id },
        ],
      };
    }
    const timeout = AbortSignal.timeout(check.timeout_ms);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      const unit = await pending;
      const out = await unit.run(check.params, { signal, timeoutMs: check.timeout_ms });
      return { out, extra: [] };
    } catch (err) {
      const message = timeout.aborted
        ? `timed out after ${check.timeout_ms} ms`
        : err instanceof Error
          ? err.message
          : String(err);
      return { out: { status: 'down', error: message }, extra: [] };
    }
  }

  return {
    async run(check) {
      const { out, extra } = await runOnce(check);
      const ts = now();
      const spec = CHECK_KINDS.get(check.kind);
      const labels = { check_id: String(check.id), check: check.name.slice(0, 256) };
      const samples: Sample[] = [];
      for (const [metric, value] of Object.entries(out.metrics ?? {})) {
        if (value === undefined || !Number.isFinite(value)) continue;
        const unit = spec?.metrics.find((m) => m.name === metric)?.unit;
        samples.push({ device_id: check.device_id, metric, value, ts, labels, ...(unit ? { unit } : {}) });
      }
      const event: KnownEvent = {
        type: 'check_state',
        ts,
        check_id: check.id,
        device_id: check.device_id,
        kind: check.kind.slice(0, 32),
        status: out.status,
        ...(out.error ? { error: clip(out.error) } : {}),
        ...(out.response_ms !== undefined ? { response_ms: out.response_ms } : {}),
        ...(out.facts && Object.keys(out.facts).length > 0 ? { facts: clipFacts(out.facts) } : {}),
      };
      return { samples, events: [event, ...extra] };
    },
    target(check) {
      const spec = CHECK_KINDS.get(check.kind);
      try {
        return spec ? spec.target(check.params) : check.kind;
      } catch {
        return check.kind;
      }
    },
    loaded: () => [...loaded],
  };
}

function clip(s: string, max = 1024): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function clipFacts(
  facts: Record<string, string | number | boolean>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(facts).slice(0, 24)) out[k] = typeof v === 'string' ? clip(v) : v;
  return out;
}
