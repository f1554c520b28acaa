import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decode, encode } from './codec.js';
import { MESSAGE_KINDS, type MessageKind, topicFor } from './topics.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```json example (\w+)\n([\s\S]*?)```/g)].map((m) => ({
  kind: m[1] as MessageKind,
  text: m[2]!,
}));

describe('protocol/README.md examples', () => {
  it('has an example for every message kind', () => {
    const documented = new Set(examples.map((e) => e.kind));
    for (const kind of MESSAGE_KINDS) assert.ok(documented.has(kind), `no example for ${kind}`);
  });

  examples.forEach(({ kind, text }, i) => {
    it(`example ${i + 1} (${kind}) decodes`, () => {
      assert.ok((MESSAGE_KINDS as string[]).includes(kind), `unknown kind ${kind}`);
      let bytes: Uint8Array;
      if (kind === 'snapshot') {
        const encoded = encode('snapshot', {
          ...JSON.parse(text),
          image: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
        });
        assert.ok(encoded.ok, !encoded.ok ? encoded.error.message : '');
        bytes = encoded.bytes;
      } else {
        bytes = new TextEncoder().encode(text);
      }
      const r = decode(topicFor(kind, 'readme-agent'), bytes);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
    });
  });
});
