import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HUB_ASSETS, hubAsset, VENDOR_ASSETS, type VendorPackage, vendorAsset } from './assets.js';

describe('hub assets', () => {
  it('finds every listed file in the checkout (so the bundle build can copy it)', () => {
    for (const path of HUB_ASSETS) assert.ok(existsSync(hubAsset(path)), path);
    for (const [pkg, files] of Object.entries(VENDOR_ASSETS)) {
      for (const file of files) {
        const path = vendorAsset(pkg as VendorPackage, file);
        assert.ok(path && existsSync(path), `${pkg}/${file}`);
      }
    }
    assert.ok(existsSync(hubAsset('web/app/index.html')), 'files inside a listed folder');
  });

  it('refuses a file that is not listed, which the bundle would lack', () => {
    assert.throws(() => hubAsset('api/README.md'), /hub asset api\/README\.md is not listed in HUB_ASSETS/);
    assert.throws(() => hubAsset('web/application.js'), /not listed/);
    assert.throws(
      () => vendorAsset('preact', 'dist/preact.js'),
      /vendor asset preact\/dist\/preact\.js is not listed/,
    );
  });
});
