import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the link (broker, ingest, jobs), registered on the hub's registry. */
export function createLinkMetrics(registry: Registry) {
  const registers = [registry];
  return {
    invalidPayloads: new Counter({
      name: 'outpost_hub_invalid_payloads_total',
      help: 'MQTT payloads refused by the protocol decoder, per agent and reason code',
      labelNames: ['agent', 'code'] as const,
      registers,
    }),
    batches: new Counter({
      name: 'outpost_hub_batches_total',
      help: 'Batches received, by outcome (stored, duplicate, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    batchEncodings: new Counter({
      name: 'outpost_hub_batch_payloads_total',
      help: 'Batch payloads decoded, by encoding (json, compact)',
      labelNames: ['encoding'] as const,
      registers,
    }),
    seriesTables: new Counter({
      name: 'outpost_hub_compact_series_tables_total',
      help: 'Series tables of compact batches: reused (the agent sent the same table recently) or decoded',
      labelNames: ['table'] as const,
      registers,
    }),
    samples: new Counter({ name: 'outpost_hub_samples_stored_total', help: 'Samples stored', registers }),
    refusedItems: new Counter({
      name: 'outpost_hub_refused_items_total',
      help: 'Samples and events refused because their device or camera is not of the agent site',
      labelNames: ['agent'] as const,
      registers,
    }),
    gaps: new Counter({
      name: 'outpost_hub_seq_gaps_total',
      help: 'Seq gaps, by what happened (detected, lost)',
      labelNames: ['event'] as const,
      registers,
    }),
    ingestSeconds: new Histogram({
      name: 'outpost_hub_batch_ingest_seconds',
      help: 'Time to store one batch (transaction included)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    authFailures: new Counter({
      name: 'outpost_hub_mqtt_auth_failures_total',
      help: 'Refused MQTT connections, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    connectionsRefused: new Counter({
      name: 'outpost_hub_mqtt_connections_refused_total',
      help: 'MQTT connections refused at accept or cut by the socket guard, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    aclDenied: new Counter({
      name: 'outpost_hub_mqtt_acl_denied_total',
      help: 'Publishes and subscriptions refused by the ACL',
      labelNames: ['kind'] as const,
      registers,
    }),
    connected: new Gauge({
      name: 'outpost_hub_agents_connected',
      help: 'Agents connected to the broker (on an external broker: agents online, as the store has them)',
      registers,
    }),
    jobs: new Counter({
      name: 'outpost_hub_jobs_total',
      help: 'Jobs reaching a final state, by type and state',
      labelNames: ['type', 'state'] as const,
      registers,
    }),
  };
}

export type LinkMetrics = ReturnType<typeof createLinkMetrics>;
