// Alerting settings: rules (with previews), maintenance windows (one-off and weekly) and notification channels
// with their routes. Everyone sees rules and windows; operators change them; channels are for administrators.
import { html } from '../html.js';
import { can } from '../session.js';
import { ChannelsTab } from './admin-channels.js';
import { MaintenanceTab } from './admin-maintenance.js';
import { RulesTab } from './admin-rules.js';

const TABS = [
  ['rules', 'Rules', RulesTab, 'viewer'],
  ['maintenance', 'Maintenance', MaintenanceTab, 'viewer'],
  ['channels', 'Notification channels', ChannelsTab, 'admin'],
];

export function AlertingPage({ tab }) {
  const tabs = TABS.filter(([, , , role]) => can(role));
  const current = tabs.find(([k]) => k === tab) ?? tabs[0];
  const Tab = current[2];
  return html`<section>
    <h1>Alerting</h1>
    <nav class="tabs" aria-label="Alerting sections">
      ${tabs.map(([k, label]) => html`<a href=${`#/alerting/${k}`} aria-current=${k === current[0] ? 'page' : undefined}>${label}</a>`)}
    </nav>
    <${Tab} />
  </section>`;
}
