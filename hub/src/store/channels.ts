import type { Severity } from './alerts.js';

/** A notification channel as stored: `config` is JSON text, `secret` is encrypted (SecretBox), flags 0 or 1. */
export interface ChannelRow {
  id: number;
  name: string;
  type: string;
  enabled: number;
  min_severity: Severity;
  daily_summary: number;
  config: string;
  secret: string | null;
  created_at: number;
  updated_at: number;
}

/** One route of a channel, in its position: JSON text for scope, severities and rules. */
export interface RouteRow {
  id: number;
  channel_id: number;
  position: number;
  scope: string;
  severities: string | null;
  rules: string | null;
  delay_s: number;
  repeat_interval_s: number | null;
}

export interface RouteInput {
  scope: unknown;
  severities: Severity[] | null;
  rules: string[] | null;
  delay_s: number;
  repeat_interval_s: number | null;
}

export interface ChannelInput {
  name: string;
  type: string;
  enabled: boolean;
  min_severity: Severity;
  daily_summary: boolean;
  config: unknown;
  /** Already encrypted. */
  secret: string | null;
  routes: RouteInput[];
}

/** Notification channels and their routes. Names are unique. */
export interface ChannelRepo {
  /** By id. */
  list(): Promise<ChannelRow[]>;
  get(id: number): Promise<ChannelRow | undefined>;
  byName(name: string): Promise<ChannelRow | undefined>;
  /** A channel's routes in their order. */
  routes(channelId: number): Promise<RouteRow[]>;
  /** Every route of every channel, in channel then route order. */
  allRoutes(): Promise<RouteRow[]>;
  /** Creates (`id` null) or replaces a channel with its routes; returns its id. */
  save(id: number | null, c: ChannelInput, now: number): Promise<number>;
  delete(id: number): Promise<boolean>;
}
