import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hashToken } from '../../auth/tokens.js';
import { isStoreError } from '../errors.js';
import {
  addAgent,
  addSite,
  addUser,
  cameraRecord,
  deviceRecord,
  newAlert,
  type StoreFactory,
  T0,
  withStore,
} from './fixtures.js';

export function tenancyContract(factory: StoreFactory): void {
  it('keeps site groups by name without regard to case, counts their sites, frees the sites on delete', async () => {
    await withStore(factory, async (store) => {
      const acme = await store.siteGroups.insert({ name: 'Acme', description: 'shops' }, T0);
      assert.deepEqual(acme, {
        id: acme.id,
        name: 'Acme',
        description: 'shops',
        created_at: T0,
        updated_at: T0,
      });
      await assert.rejects(store.siteGroups.insert({ name: 'ACME' }, T0), (e) => isStoreError(e, 'conflict'));
      assert.deepEqual(await store.siteGroups.byName('acme'), acme);
      const beta = await store.siteGroups.insert({ name: 'beta' }, T0);
      const a = await store.sites.insert({ name: 'a', group_id: acme.id }, T0);
      const b = await addSite(store, 'b');
      assert.equal(a.group_id, acme.id);
      assert.equal((await store.sites.update(b.id, { group_id: acme.id }, T0 + 1))?.group_id, acme.id);
      await assert.rejects(store.sites.update(b.id, { group_id: 99_999 }, T0), (e) =>
        isStoreError(e, 'reference'),
      );
      assert.deepEqual(
        (await store.siteGroups.list()).map((g) => [g.name, g.site_count]),
        [
          ['Acme', 2],
          ['beta', 0],
        ],
      );
      const renamed = await store.siteGroups.update(beta.id, { name: 'Beta Ltd' }, T0 + 2);
      assert.equal(renamed?.name, 'Beta Ltd');
      assert.equal(renamed?.description, null);
      assert.equal(renamed?.updated_at, T0 + 2);
      assert.equal(await store.siteGroups.delete(acme.id), true);
      assert.equal(await store.siteGroups.delete(acme.id), false);
      assert.equal((await store.sites.get(a.id))?.group_id, null);
      assert.equal((await store.sites.update(a.id, { group_id: null }, T0))?.group_id, null);
    });
  });

  it('sets, reads and resolves the scope of a user: its sites and its groups’ sites as they are now', async () => {
    await withStore(factory, async (store) => {
      const group = await store.siteGroups.insert({ name: 'g' }, T0);
      const s1 = await addSite(store, 's1');
      const s2 = await store.sites.insert({ name: 's2', group_id: group.id }, T0);
      const s3 = await addSite(store, 's3');
      const ana = await addUser(store, 'ana');
      assert.equal(await store.scopes.get({ user_id: ana.id }), null);
      assert.equal(await store.scopes.resolve({ user_id: ana.id }), null);
      await store.scopes.set({ user_id: ana.id }, { sites: [s1.id, s1.id], groups: [group.id] });
      assert.deepEqual(await store.scopes.get({ user_id: ana.id }), { sites: [s1.id], groups: [group.id] });
      assert.deepEqual(await store.scopes.resolve({ user_id: ana.id }), [s1.id, s2.id]);
      // A site moved into the group is covered at once.
      await store.sites.update(s3.id, { group_id: group.id }, T0);
      assert.deepEqual(await store.scopes.resolve({ user_id: ana.id }), [s1.id, s2.id, s3.id]);
      // Deleting what the scope names leaves a scope of nothing, never every site.
      await store.siteGroups.delete(group.id);
      await store.sites.delete(s1.id);
      assert.deepEqual(await store.scopes.get({ user_id: ana.id }), { sites: [], groups: [] });
      assert.deepEqual(await store.scopes.resolve({ user_id: ana.id }), []);
      await store.scopes.set({ user_id: ana.id }, null);
      assert.equal(await store.scopes.resolve({ user_id: ana.id }), null);
    });
  });

  it('refuses a scope naming a missing site, group or principal, and changes nothing', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const ana = await addUser(store, 'ana');
      await store.scopes.set({ user_id: ana.id }, { sites: [s.id], groups: [] });
      for (const bad of [
        { sites: [99_999], groups: [] },
        { sites: [], groups: [99_999] },
      ])
        await assert.rejects(store.scopes.set({ user_id: ana.id }, bad), (e) => isStoreError(e, 'reference'));
      assert.deepEqual(await store.scopes.get({ user_id: ana.id }), { sites: [s.id], groups: [] });
      await assert.rejects(store.scopes.set({ user_id: 99_999 }, { sites: [], groups: [] }), (e) =>
        isStoreError(e, 'reference'),
      );
    });
  });

  it('stores an API key with its scope in one go; a key with only a site is scoped to it', async () => {
    await withStore(factory, async (store) => {
      const group = await store.siteGroups.insert({ name: 'g' }, T0);
      const s1 = await addSite(store, 's1');
      const s2 = await store.sites.insert({ name: 's2', group_id: group.id }, T0);
      const ana = await addUser(store, 'ana');
      const base = { user_id: ana.id, name: 'k', role: 'viewer' as const, created_at: T0, expires_at: null };
      const free = await store.apiKeys.insert({
        ...base,
        site_id: null,
        prefix: 'p1',
        key_hash: hashToken('1'),
      });
      const one = await store.apiKeys.insert({
        ...base,
        site_id: s1.id,
        prefix: 'p2',
        key_hash: hashToken('2'),
      });
      const both = await store.apiKeys.insert({
        ...base,
        site_id: null,
        scope: { sites: [s1.id], groups: [group.id] },
        prefix: 'p3',
        key_hash: hashToken('3'),
      });
      assert.equal(await store.scopes.resolve({ api_key_id: free.id }), null);
      assert.deepEqual(await store.scopes.resolve({ api_key_id: one.id }), [s1.id]);
      assert.deepEqual(await store.scopes.resolve({ api_key_id: both.id }), [s1.id, s2.id]);
      await assert.rejects(
        store.apiKeys.insert({
          ...base,
          site_id: null,
          scope: { sites: [99_999], groups: [] },
          prefix: 'p4',
          key_hash: hashToken('4'),
        }),
        (e) => isStoreError(e, 'reference'),
      );
      assert.equal(await store.apiKeys.byHash(hashToken('4')), undefined);
    });
  });

  it('filters every site-bound list and count by a set of sites, with totals of the set', async () => {
    await withStore(factory, async (store) => {
      const [a, b, c] = [await addSite(store, 'a'), await addSite(store, 'b'), await addSite(store, 'c')];
      for (const s of [a, b, c]) {
        await store.devices.insert(deviceRecord(s.id, `sw-${s.name}`), T0);
        await store.devices.insert(deviceRecord(s.id, `rt-${s.name}`), T0);
        await store.cameras.insert(cameraRecord(s.id, `cam-${s.name}`), T0);
        await addAgent(store, `agent-${s.name}`, s.id);
        await store.alerts.insert(
          newAlert({ key: `k-${s.name}`, target: { key: `k-${s.name}`, site_id: s.id } }),
        );
      }
      const set = [a.id, c.id];
      const devices = await store.devices.list({ site_id: set }, 'name', 'asc', 1, 3);
      assert.equal(devices.total, 4);
      assert.deepEqual(
        devices.rows.map((d) => d.name),
        ['rt-a', 'rt-c', 'sw-a'],
      );
      assert.equal((await store.devices.list({ site_id: [] }, 'name', 'asc', 1, 10)).total, 0);
      assert.equal((await store.cameras.list({ site_id: set }, 'name', 'asc', 1, 10)).total, 2);
      const counts = await store.devices.statusCounts(set);
      assert.equal(
        Object.values(counts).reduce((x, y) => x + y, 0),
        4,
      );
      assert.deepEqual(await store.devices.statusCounts([]), {});
      assert.equal(
        Object.values(await store.cameras.statusCounts(set)).reduce((x, y) => x + y, 0),
        2,
      );
      assert.deepEqual(
        (await store.agents.list({ site_id: set })).map((g) => g.id),
        ['agent-a', 'agent-c'],
      );
      assert.equal((await store.alerts.list({ site_id: set }, 1, 10)).total, 2);
      assert.equal((await store.alerts.summary(T0 - 1, set)).total, 2);
      assert.equal((await store.alerts.summary(T0 - 1, [])).total, 0);
    });
  });

  it('searches only the sites given: sites, devices, cameras and alerts, leaving out alerts of no site', async () => {
    await withStore(factory, async (store) => {
      const a = await addSite(store, 'zone-a');
      const b = await addSite(store, 'zone-b');
      for (const s of [a, b]) {
        await store.devices.insert(deviceRecord(s.id, `zone-sw-${s.id}`), T0);
        await store.cameras.insert(cameraRecord(s.id, `zone-cam-${s.id}`), T0);
        await store.alerts.insert(
          newAlert({
            key: `k${s.id}`,
            title: `zone alert ${s.id}`,
            target: { key: `k${s.id}`, site_id: s.id },
          }),
        );
      }
      await store.alerts.insert(newAlert({ key: 'none', title: 'zone alert of no site' }));
      const all = await store.fleet.search({ text: 'zone', limit: 10 });
      assert.equal(all.devices.length, 2);
      assert.equal(all.alerts.length, 3);
      const mine = await store.fleet.search({ text: 'zone', limit: 10, sites: [a.id] });
      for (const kind of ['sites', 'devices', 'cameras', 'alerts'] as const)
        assert.deepEqual(
          mine[kind].map((h) => h.site_id),
          [a.id],
          `${kind} of site ${a.id} only`,
        );
      const none = await store.fleet.search({ text: 'zone', limit: 10, sites: [] });
      assert.equal(none.sites.length + none.devices.length + none.cameras.length + none.alerts.length, 0);
    });
  });
}
