// A device's events: its SNMP traps with their varbinds and the rule that maps each (or none: the trap is only
// kept here, and one click makes a trap-oid alert rule for its OID), dropped-trap counts, check and status
// changes. Newest first, a page at a time.
import { api, query } from '../api.js';
import { ago, when } from '../format.js';
import { html, useState } from '../html.js';
import { useLive } from '../live.js';
import { can } from '../session.js';
import { ErrorNote, useAction, useFetch } from '../ui.js';

const TYPES = 'snmp_trap,trap_dropped,check_state,device_state,error';

function Varbinds({ list, dropped }) {
  if (!list?.length) return null;
  return html`<details><summary>${list.length} varbind${list.length === 1 ? '' : 's'}${dropped ? ` (${dropped} more dropped)` : ''}</summary>
    <table class="table small" data-testid="varbinds"><tbody>${list.map(
      (v) =>
        html`<tr><td><code>${v.oid}</code></td><td class="muted">${v.type}</td><td class="wrap">${v.value}</td></tr>`,
    )}</tbody></table></details>`;
}

function TrapRule({ event, device, onMade }) {
  const make = useAction(async () => {
    await api('POST', '/alert-rules', {
      name: `Trap ${event.data.trap_oid} from ${device.name}`,
      kind: 'trap-oid',
      severity: 'medium',
      params: { trap_oid: event.data.trap_oid, scope: { type: 'device', id: device.id } },
    });
    onMade();
  });
  if (event.rule)
    return html`<span class="small">alerts through <a href="#/alerting/rules">${event.rule.name}</a></span>`;
  return html`<span class="small muted">kept here only</span>
    ${can('operator') ? html` <button type="button" onClick=${() => make.run()} disabled=${make.busy} title="A trap-oid rule for this OID on this device (edit it under Alerting › Rules: clear trap, scope, severity)">Alert on this trap</button>` : null}
    <${ErrorNote} error=${make.error} />`;
}

function describe(e, names) {
  const d = e.data;
  switch (e.type) {
    case 'snmp_trap':
      return html`<strong>Trap <code>${d.trap_oid}</code></strong> <small class="muted">v${d.version} ${d.pdu} from ${d.source}${d.user ? ` as ${d.user}` : ''}</small>`;
    case 'trap_dropped':
      return html`<strong>${d.dropped} trap${d.dropped === 1 ? '' : 's'} dropped</strong> <small class="muted">${d.reason.replace('_', ' ')} from ${d.source}${d.detail ? `: ${d.detail}` : ''}</small>`;
    case 'check_state':
      return html`Check <strong>${names.get(d.check_id) ?? `#${d.check_id}`}</strong> <small class="muted">${d.kind}</small> ${d.status}${d.error ? html` <small class="error">${d.error}</small>` : ''}`;
    case 'device_state':
      return html`Device ${d.status}${d.error ? html` <small class="error">${d.error}</small>` : ''}`;
    default:
      return html`${e.type} <small class="muted">${d.message ?? ''}</small>`;
  }
}

export function DeviceEvents({ device }) {
  const [before, setBefore] = useState(undefined);
  const page = useFetch(`/devices/${device.id}/events${query({ type: TYPES, limit: 25, before })}`);
  const checks = useFetch(`/checks${query({ device_id: device.id })}`);
  useLive('check.status', (e) => {
    if (e.device_id !== device.id) return;
    checks.reload();
    if (before === undefined) page.reload();
  });
  useLive('alert.changed', (e) => e.alert?.device_id === device.id && before === undefined && page.reload());
  const names = new Map((checks.data?.checks ?? []).map((c) => [c.id, c.name]));
  const events = page.data?.events;
  return html`<section class="card" data-testid="device-events">
    <h2>Events</h2>
    <${ErrorNote} error=${page.error} />
    ${
      events?.length
        ? html`<ul class="plain events">${events.map(
            (e) => html`<li data-testid=${`event-${e.type}`}>
              <small class="muted" title=${when(e.ts)}>${ago(e.ts)}</small> ${describe(e, names)}
              ${e.type === 'snmp_trap' ? html`<div><${TrapRule} event=${e} device=${device} onMade=${page.reload} /></div><${Varbinds} list=${e.data.varbinds} dropped=${e.data.varbinds_dropped} />` : null}
            </li>`,
          )}</ul>`
        : events
          ? html`<p class="muted">No events${before ? ' before these' : ''}.</p>`
          : null
    }
    <div class="actions">
      ${before !== undefined ? html`<button type="button" onClick=${() => setBefore(undefined)}>Newest</button>` : null}
      ${page.data?.next_before ? html`<button type="button" onClick=${() => setBefore(page.data.next_before)}>Older</button>` : null}
    </div>
  </section>`;
}
