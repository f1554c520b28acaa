import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { runOutboxContract } from './contract.js';
import { MemoryOutbox } from './memory.js';
import { SqliteOutbox } from './sqlite.js';
import type { Outbox } from './types.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const files = new WeakMap<Outbox, { file: string; maxBytes: number }>();

runOutboxContract('sqlite', {
  create(maxBytes) {
    const file = path.join(dir, `outbox-${++n}.db`);
    const box = new SqliteOutbox({ file, maxBytes });
    files.set(box, { file, maxBytes });
    return box;
  },
  reopen(box) {
    const opts = files.get(box);
    if (!opts) throw new Error('unknown outbox');
    box.close();
    const again = new SqliteOutbox(opts);
    files.set(again, opts);
    return again;
  },
});

runOutboxContract('memory', { create: (maxBytes) => new MemoryOutbox({ maxBytes }) });
