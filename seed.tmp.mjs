import Database from 'better-sqlite3';
const db = new Database('/tmp/dash-demo/hub.db');
const now = Date.now();
const N = Number(process.env.N ?? 1000);
const ins = db.prepare('INSERT INTO sites (name, created_at, updated_at) VALUES (?, ?, ?)');
const dev = db.prepare(`INSERT INTO devices (name, ip_address, site_id, snmp_json, status, status_error, created_at, updated_at) VALUES (?, ?, ?, '{"version":"2c","port":161,"has_community":true,"has_auth_key":false,"has_priv_key":false}', ?, ?, ?, ?)`);
const ag = db.prepare(`INSERT INTO agents (id, site_id, secret_hash, status, backlog, backlog_previous, last_seen, created_at) VALUES (?, ?, 'x', ?, ?, ?, ?, ?)`);
const al = db.prepare(`INSERT INTO alerts (rule, target_key, severity, title, site_id, device_id, created_at, last_seen, opened_at) VALUES ('manual', NULL, ?, ?, ?, ?, ?, ?, ?)`);
let rnd = 42; const r = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const name = `shop-${String(i + 1).padStart(4, '0')}`;
    const site = Number(ins.run(name, now, now).lastInsertRowid);
    const x = r();
    const offline = x < 0.01;
    ag.run(`agent-seed-${i}`, site, offline ? 'offline' : 'online', x > 0.985 ? 20000 : 0, x > 0.985 ? 5000 : 0, now - (offline ? 3600e3 : 10e3), now);
    for (let d = 0; d < 8; d++) {
      const y = r();
      const status = y < 0.01 ? 'unreachable' : y < 0.013 ? 'auth_failed' : 'online';
      const id = Number(dev.run(`${name}-sw${d}`, `10.${i >> 8}.${i & 255}.${d + 1}`, site, status, status === 'auth_failed' ? 'no answer with this community' : status === 'unreachable' ? 'timeout' : null, now, now).lastInsertRowid);
      if (status !== 'online') al.run(status === 'auth_failed' ? 'high' : 'high', `Device ${name}-sw${d} ${status}`, site, id, now - y * 1e7, now, now);
    }
    if (x > 0.97 && x < 0.975) al.run('critical', `UPS on battery at ${name}`, site, null, now - 5e5, now, now);
    if (x > 0.5 && x < 0.52) al.run('medium', `CPU high at ${name}`, site, null, now - 5e5, now, now);
  }
})();
console.log('seeded', N);
