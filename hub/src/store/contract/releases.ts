import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import type { Repositories, UnitOfWork } from '../port.js';
import type { ReleaseRow } from '../releases.js';
import { type StoreFactory, T0, withStore } from './fixtures.js';

/** A release row with plain values (its bytes are given to insert). */
export function releaseRow(version: string, over: Partial<ReleaseRow> = {}): ReleaseRow {
  return {
    version,
    sha256: 'c'.repeat(64),
    size: 4,
    node: '^20.10.0 || ^24.0.0',
    key_id: '0123456789abcdef',
    signed: `{"v":1,"statement":"{}","version":"${version}"}`,
    uploaded_at: T0,
    uploaded_by: null,
    ...over,
  };
}

/** Stores a release of 4 bytes. */
export function addRelease(r: Repositories | UnitOfWork, version: string, at = T0) {
  return r.releases.insert(
    releaseRow(version, { uploaded_at: at }),
    new Uint8Array([1, 2, 3, version.length]),
  );
}

export function releasesContract(factory: StoreFactory): void {
  it('stores a bundle with its metadata and gives back the same bytes', async () => {
    await withStore(factory, async (store) => {
      const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
      await store.releases.insert(releaseRow('1.2.0', { size: bytes.length }), bytes);
      assert.deepEqual(await store.releases.get('1.2.0'), releaseRow('1.2.0', { size: bytes.length }));
      const content = await store.releases.content('1.2.0');
      assert.ok(Buffer.isBuffer(content));
      assert.ok(Buffer.from(bytes).equals(content as Buffer));
      assert.equal(await store.releases.get('9.9.9'), undefined);
      assert.equal(await store.releases.content('9.9.9'), undefined);
    });
  });

  it('refuses a second bundle of the same version with conflict', async () => {
    await withStore(factory, async (store) => {
      await addRelease(store, '1.0.0');
      await assert.rejects(addRelease(store, '1.0.0'), (err) => isStoreError(err, 'conflict'));
    });
  });

  it('lists the newest upload first and deletes', async () => {
    await withStore(factory, async (store) => {
      await addRelease(store, '1.0.0', T0);
      await addRelease(store, '1.1.0', T0 + 10);
      await addRelease(store, '0.9.0', T0 + 5);
      assert.deepEqual(
        (await store.releases.list()).map((r) => r.version),
        ['1.1.0', '0.9.0', '1.0.0'],
      );
      assert.equal(await store.releases.delete('0.9.0'), true);
      assert.equal(await store.releases.delete('0.9.0'), false);
      assert.deepEqual(
        (await store.releases.list()).map((r) => r.version),
        ['1.1.0', '1.0.0'],
      );
    });
  });
}
