// Admin: tabs for users, notification channels, alert rules, maintenance windows and the audit log.
import { html } from '../html.js';
import { AuditTab } from './admin-audit.js';
import { ChannelsTab } from './admin-channels.js';
import { MaintenanceTab } from './admin-maintenance.js';
import { RulesTab } from './admin-rules.js';
import { UsersTab } from './admin-users.js';

const TABS = [
  ['users', 'Users', UsersTab],
  ['channels', 'Notification channels', ChannelsTab],
  ['rules', 'Alert rules', RulesTab],
  ['maintenance', 'Maintenance', MaintenanceTab],
  ['audit', 'Audit log', AuditTab],
];

export function AdminPage({ tab }) {
  const current = TABS.find(([k]) => k === tab) ?? TABS[0];
  const Tab = current[2];
  return html`<section>
    <h1>Admin</h1>
    <nav class="tabs" aria-label="Admin sections">
      ${TABS.map(([k, label]) => html`<a href=${`#/admin/${k}`} aria-current=${k === current[0] ? 'page' : undefined}>${label}</a>`)}
    </nav>
    <${Tab} />
  </section>`;
}
