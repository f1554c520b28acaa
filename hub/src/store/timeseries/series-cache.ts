import { canonicalLabels } from './labels.js';
import type { TargetKind } from './types.js';

/** Canonical labels of frozen label objects, computed once per object. */
const frozenKeys = new WeakMap<object, string>();

/** Labels as the series table stores them (canonical JSON); cached per frozen label object. */
export function labelsKey(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '{}';
  let key = frozenKeys.get(labels);
  if (key === undefined) {
    key = canonicalLabels(labels);
    // Only a frozen object can be trusted to keep the labels it had.
    if (Object.isFrozen(labels)) frozenKeys.set(labels, key);
  }
  return key;
}

/**
 * Series ids by (kind, target, labels, metric), in memory, for every engine's catalog: nested maps so that no
 * key string is built per sample, and the metric map of the last (kind, target, labels object) kept, since
 * consecutive samples of one device interface share them (most samples take one lookup).
 */
export class SeriesIdCache {
  /** kind -> target -> canonical labels -> metric -> id. */
  readonly #ids = new Map<TargetKind, Map<string | number, Map<string, Map<string, number>>>>();
  #lastKind: TargetKind | undefined;
  #lastTarget: string | number | undefined;
  #lastLabels: Readonly<Record<string, string>> | undefined | null = null;
  #lastByMetric: Map<string, number> | undefined;
  #idsToken: object = {};

  /** The metric -> id map of a (kind, target, labels); ids are set in it once known. */
  slot(
    kind: TargetKind,
    target: string | number,
    labels: Readonly<Record<string, string>> | undefined,
  ): Map<string, number> {
    if (
      this.#lastByMetric !== undefined &&
      labels === this.#lastLabels &&
      target === this.#lastTarget &&
      kind === this.#lastKind &&
      (labels === undefined || Object.isFrozen(labels))
    ) {
      return this.#lastByMetric;
    }
    let byTarget = this.#ids.get(kind);
    if (!byTarget) {
      byTarget = new Map();
      this.#ids.set(kind, byTarget);
    }
    let byLabels = byTarget.get(target);
    if (!byLabels) {
      byLabels = new Map();
      byTarget.set(target, byLabels);
    }
    const json = labelsKey(labels);
    let m = byLabels.get(json);
    if (!m) {
      m = new Map();
      byLabels.set(json, m);
    }
    this.#lastKind = kind;
    this.#lastTarget = target;
    this.#lastLabels = labels;
    this.#lastByMetric = m;
    return m;
  }

  /** Replaced whenever ids given out may stop naming their series (SampleWriter.idsToken). */
  get idsToken(): object {
    return this.#idsToken;
  }

  /** Gives out a new token, keeping the cached ids (ids given out before may have been provisional). */
  renew(): void {
    this.#idsToken = {};
  }

  /** Drops every cached id and gives out a new token. */
  clear(): void {
    this.#idsToken = {};
    this.#ids.clear();
    this.#lastByMetric = undefined;
    this.#lastLabels = null;
  }
}
