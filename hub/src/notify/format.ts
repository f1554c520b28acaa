import { alertToApi } from '../alerts/view.js';
import type { MessageKind, NotificationMessage } from '../notifiers/types.js';
import type { AlertRow } from '../store/alerts.js';

const LABEL: Record<string, string> = {
  problem: 'PROBLEM',
  repeat: 'STILL OPEN',
  recovery: 'RESOLVED',
  flapping: 'FLAPPING',
};

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * Words one alert notice. Subject: `[Outpost] RESOLVED high: Device core-sw unreachable`; the body says what,
 * where, since when, how often, and why it is (not) repeated.
 */
export function alertMessage(
  kind: Exclude<MessageKind, 'test' | 'summary'>,
  a: AlertRow,
  now: number,
  publicUrl?: string,
): NotificationMessage {
  const title = `[Outpost] ${LABEL[kind]} ${a.severity}: ${a.title}`;
  const opened = a.opened_at ?? a.created_at;
  const lines = [
    `${a.title}`,
    a.message ? `Detail: ${a.message}` : undefined,
    `Severity: ${a.severity}    Rule: ${a.rule}`,
    where(a),
    `Opened: ${new Date(opened).toISOString()}`,
    kind === 'recovery' && a.resolved_at
      ? `Resolved: ${new Date(a.resolved_at).toISOString()} (after ${duration(a.resolved_at - opened)})`
      : `Open for: ${duration(now - opened)}`,
    a.count > 1 ? `Occurrences: ${a.count}` : undefined,
    kind === 'repeat' ? 'Repeated because the alert is still open and not acknowledged.' : undefined,
    kind === 'flapping'
      ? 'The alert keeps opening and resolving; further notices are held until it is stable.'
      : undefined,
    `Alert id: ${a.id}`,
  ].filter((l): l is string => l !== undefined);
  return {
    kind,
    title,
    text: lines.join('\n'),
    severity: a.severity,
    alert: alertToApi(a),
    url: publicUrl ? `${publicUrl.replace(/\/$/, '')}/alerts/${a.id}` : undefined,
    ts: now,
  };
}

function where(a: AlertRow): string {
  const parts = [
    a.device_id != null ? `device ${a.device_id}` : undefined,
    a.camera_id != null ? `camera ${a.camera_id}` : undefined,
    a.agent_id != null ? `agent ${a.agent_id}` : undefined,
    a.site_id != null ? `site ${a.site_id}` : undefined,
  ].filter(Boolean);
  return `Target: ${parts.join(', ') || a.target_key}`;
}

export function testMessage(channelName: string, now: number): NotificationMessage {
  return {
    kind: 'test',
    title: `[Outpost] Test notification for channel "${channelName}"`,
    text: `This is a test message from the Outpost hub, sent at ${new Date(now).toISOString()}.\nIf you read it, the channel works.`,
    severity: 'info',
    ts: now,
  };
}
