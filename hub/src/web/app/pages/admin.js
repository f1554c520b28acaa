// Admin: users (and the sites they see), site groups (customers) and the audit log (alerting settings are under Alerting).
import { html } from '../html.js';
import { AuditTab } from './admin-audit.js';
import { SiteGroupsTab } from './admin-site-groups.js';
import { UsersTab } from './admin-users.js';

const TABS = [
  ['users', 'Users', UsersTab],
  ['site-groups', 'Site groups', SiteGroupsTab],
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
