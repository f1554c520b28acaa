// A large fleet written straight into a hub's SQLite database, for bench:dashboard and the browser test of
// the overview at fleet scale: sites with one agent each, devices spread over them, alerts over 90 days.
// The same seed gives the same fleet every time.
import type Database from 'better-sqlite3';

export interface FleetSize {
  sites: number;
  devices: number;
  alerts: number;
}

export interface SeededFleet {
  /** `shop-NNNN`, by site id. */
  siteName(id: number): string;
  /** The site made the worst on purpose (`worst` option), if any. */
  worst?: { id: number; name: string; criticalAlerts: number };
}

/** A fixed pseudo-random sequence, so that every run has the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const TYPES = ['switch', 'router', 'access_point', 'firewall', 'server', 'ups', 'printer', 'other'];
const siteName = (s: number) => `shop-${String(s).padStart(4, '0')}`;

/**
 * Writes the fleet: sites with one agent each (1 % offline, 1 % with a large backlog), devices spread over them
 * (2 % down), alerts over 90 days before `now` (3 % still open). With `worst`, that site also gets
 * `criticalAlerts` open, unacknowledged critical alerts: more than chance gives any other site, so it ranks
 * first. Ids start at 1; the database must hold no sites, devices or alerts yet.
 */
export function seedFleet(
  db: Database.Database,
  size: FleetSize,
  now: number,
  opts: { worst?: { site: number; criticalAlerts: number } } = {},
): SeededFleet {
  const { sites: SITES, devices: DEVICES, alerts: ALERTS } = size;
  const r = rng(42);
  const snmp = JSON.stringify({
    version: '2c',
    port: 161,
    has_community: true,
    has_auth_key: false,
    has_priv_key: false,
  });
  db.transaction(() => {
    const site = db.prepare('INSERT INTO sites (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)');
    const agent = db.prepare(
      `INSERT INTO agents (id, site_id, secret_hash, status, backlog, backlog_previous, last_seen, created_at)
       VALUES (?, ?, 'x', ?, ?, ?, ?, ?)`,
    );
    for (let s = 1; s <= SITES; s++) {
      site.run(s, siteName(s), now, now);
      const offline = r() < 0.01;
      const backlog = r() < 0.01 ? 20_000 : 0;
      agent.run(`agent-${s}`, s, offline ? 'offline' : 'online', backlog, backlog / 2, now - 30_000, now);
    }
    const device = db.prepare(
      `INSERT INTO devices (id, name, ip_address, site_id, device_type, snmp_json, status, status_error, last_seen,
         sys_name, mac_address, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let d = 1; d <= DEVICES; d++) {
      const s = 1 + (d % SITES);
      const x = r();
      const status = x < 0.015 ? 'unreachable' : x < 0.02 ? 'auth_failed' : 'online';
      const mac = Array.from({ length: 6 }, () =>
        Math.floor(r() * 256)
          .toString(16)
          .padStart(2, '0'),
      ).join(':');
      device.run(
        d,
        `sw-${String(s).padStart(4, '0')}-${d}`,
        `10.${(d >> 16) & 255}.${(d >> 8) & 255}.${d & 255}`,
        s,
        TYPES[d % TYPES.length],
        snmp,
        status,
        status === 'online' ? null : 'timeout',
        now - Math.floor(r() * 3_600_000),
        `SW${d}.shop${s}.example.net`,
        mac,
        now,
        now,
      );
    }
    const alert = db.prepare(
      `INSERT INTO alerts (rule, target_key, severity, state, title, device_id, site_id, created_at, last_seen,
         resolved_at, acknowledged, opened_at)
       VALUES ('device-unreachable', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let a = 1; a <= ALERTS; a++) {
      const d = 1 + Math.floor(r() * DEVICES);
      const s = 1 + (d % SITES);
      const created = now - Math.floor(r() * 90 * 86_400_000);
      const open = r() < 0.03;
      alert.run(
        open ? `device:${d}:${a}` : `device:${d}`,
        SEVERITIES[Math.floor(r() * r() * SEVERITIES.length)],
        open ? 'open' : 'resolved',
        `Device sw-${String(s).padStart(4, '0')}-${d} unreachable`,
        d,
        s,
        created,
        created + 60_000,
        open ? null : created + 600_000,
        open && r() < 0.3 ? 1 : 0,
        created,
      );
    }
    const w = opts.worst;
    if (w) {
      // The site's devices: every d with 1 + (d % SITES) === site; the alerts take turns over them.
      const mine: number[] = [];
      for (let d = (w.site - 1) % SITES || SITES; d <= DEVICES; d += SITES) mine.push(d);
      if (mine.length === 0) throw new Error(`seedFleet: site ${w.site} has no device to alert on`);
      for (let i = 0; i < w.criticalAlerts; i++) {
        const d = mine[i % mine.length]!;
        alert.run(
          `device:${d}:worst-${i}`,
          'critical',
          'open',
          `Device sw-${String(w.site).padStart(4, '0')}-${d} unreachable`,
          d,
          w.site,
          now - (i + 1) * 60_000,
          now,
          null,
          0,
          now - (i + 1) * 60_000,
        );
      }
    }
  })();
  db.exec('ANALYZE');
  return {
    siteName,
    ...(opts.worst
      ? {
          worst: {
            id: opts.worst.site,
            name: siteName(opts.worst.site),
            criticalAlerts: opts.worst.criticalAlerts,
          },
        }
      : {}),
  };
}
