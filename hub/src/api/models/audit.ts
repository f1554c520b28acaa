import type { AuditRow } from '../../store/audit.js';

/** The API representation of an audit record. */
export function auditToApi(r: AuditRow) {
  return {
    id: r.id,
    ts: new Date(r.ts).toISOString(),
    user_id: r.user_id,
    username: r.username,
    action: r.action,
    target_type: r.target_type,
    target_id: r.target_id,
    client_ip: r.client_ip,
    outcome: r.outcome,
    status: r.status,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    site_id: r.site_id,
  };
}
