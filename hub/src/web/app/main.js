// The dashboard shell: session gate, navigation, live indicator, page routing.
import { html, render, useEffect, useState } from './html.js';
import { isLive, onLiveState, startLive, stopLive } from './live.js';
import { AccountPage } from './pages/account.js';
import { AdminPage } from './pages/admin.js';
import { AuditTab } from './pages/admin-audit.js';
import { AgentsPage } from './pages/agents.js';
import { AlertingPage } from './pages/alerting.js';
import { AlertsPage } from './pages/alerts.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { CameraPage } from './pages/camera.js';
import { CamerasPage } from './pages/cameras.js';
import { DevicePage } from './pages/device.js';
import { DevicesPage } from './pages/devices.js';
import { LoginPage } from './pages/login.js';
import { OverviewPage } from './pages/overview.js';
import { SitePage } from './pages/site.js';
import { UpgradesPage } from './pages/upgrades.js';
import { useRoute } from './router.js';
import { GlobalSearch } from './search.js';
import { can, currentUser, logout, onSession, refresh } from './session.js';
import { useFetch } from './ui.js';

const NAV = [
  ['/', 'Overview'],
  ['/devices', 'Devices'],
  ['/cameras', 'Cameras'],
  ['/alerts', 'Alerts'],
  ['/alerting', 'Alerting'],
  ['/agents', 'Agents & sites'],
  ['/upgrades', 'Upgrades'],
];

function page(route) {
  const [first, second] = route.parts;
  switch (first) {
    case undefined:
      return html`<${OverviewPage} params=${route.params} />`;
    case 'sites':
      return second
        ? html`<${SitePage} id=${Number(second)} />`
        : html`<${OverviewPage} params=${route.params} />`;
    case 'devices':
      return second
        ? html`<${DevicePage} id=${Number(second)} />`
        : html`<${DevicesPage} params=${route.params} />`;
    case 'cameras':
      return second
        ? html`<${CameraPage} id=${Number(second)} />`
        : html`<${CamerasPage} params=${route.params} />`;
    case 'alerts':
      return html`<${AlertsPage} params=${route.params} />`;
    case 'agents':
      return html`<${AgentsPage} />`;
    case 'upgrades':
      return html`<${UpgradesPage} />`;
    case 'alerting':
      return html`<${AlertingPage} tab=${second ?? 'rules'} />`;
    case 'admin':
      // Old links to the alerting tabs, which moved.
      if (['channels', 'rules', 'maintenance'].includes(second))
        return html`<${AlertingPage} tab=${second} />`;
      return can('admin')
        ? html`<${AdminPage} tab=${second ?? 'users'} />`
        : html`<p>Administrators only.</p>`;
    case 'audit':
      // Users limited to some sites read their sites' entries here (admins have it under Admin); the API refuses
      // other non-admins.
      return html`<section><${AuditTab} /></section>`;
    case 'api-keys':
      return html`<${ApiKeysPage} />`;
    case 'account':
      return html`<${AccountPage} />`;
    default:
      return html`<p>No page here. <a href="#/">Overview</a></p>`;
  }
}

function LiveBadge() {
  const [live, setLive] = useState(isLive());
  useEffect(() => {
    const off = onLiveState(setLive);
    setLive(isLive()); // the stream may have opened between the first render and this subscription
    return off;
  }, []);
  return html`<span class=${`live ${live ? 'on' : 'off'}`} data-testid="live" title=${live ? 'Live updates on' : 'Reconnecting…'}>
    <span aria-hidden="true">${live ? '●' : '○'}</span> ${live ? 'Live' : 'Offline'}</span>`;
}

function Shell({ user }) {
  const route = useRoute();
  const [menu, setMenu] = useState(false);
  const here = `/${route.parts[0] ?? ''}`;
  useEffect(() => setMenu(false), [route.path]);
  // A user limited to some sites (never an admin) sees the audit entries of their sites.
  const me = useFetch(can('admin') ? null : '/auth/me');
  const scoped = Array.isArray(me.data?.sites);
  const links = can('admin')
    ? [...NAV, ['/admin', 'Admin']]
    : scoped
      ? [...NAV, ['/audit', 'Audit log']]
      : NAV;
  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/">Outpost</a>
      <button type="button" class="menu-toggle" aria-expanded=${menu} aria-controls="nav" onClick=${() => setMenu(!menu)}>☰ Menu</button>
      <nav id="nav" class=${menu ? 'open' : ''} aria-label="Main">
        ${links.map(([href, label]) => html`<a href=${`#${href}`} aria-current=${here === href ? 'page' : undefined}>${label}</a>`)}
      </nav>
      <${GlobalSearch} />
      <div class="who">
        <${LiveBadge} />
        <a href="#/account" title="Account">${user.username} <small>(${user.role})</small></a>
        <a href="#/api-keys">API keys</a>
        <button type="button" onClick=${() => logout().then(() => (location.hash = '#/'))}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1">${page(route)}</main>
  </div>`;
}

function App() {
  const [user, setUser] = useState(currentUser());
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    const off = onSession((u) => setUser(u));
    refresh().finally(() => setChecked(true));
    return off;
  }, []);
  useEffect(() => {
    if (user) startLive();
    else stopLive();
  }, [user?.id]);
  if (!checked) return html`<p class="boot">Loading Outpost…</p>`;
  return user ? html`<${Shell} user=${user} />` : html`<${LoginPage} />`;
}

render(html`<${App} />`, document.getElementById('app'));
