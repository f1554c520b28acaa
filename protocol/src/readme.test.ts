import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decode, encode } from './codec.js';
import { MESSAGE_KINDS, type MessageKind, topicFor } from './topics.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```(json|hex) example (\w+)\n([\s\S]*?)```/g)].map((m) => ({
  format: m[1] as 'json' | 'hex',
  kind: m[2] as MessageKind,
  text: m[3]!,
  at: m.index,
}));

/** Bytes of a hex example: pairs of hex digits; `#` starts a comment. */
function hexBytes(text: string): Uint8Array {
  const digits = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join(' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  for (const d of digits) assert.match(d, /^[0-9a-f]{2}$/, `not a hex byte: ${d}`);
  return Uint8Array.from(digits.map((d) => Number.parseInt(d, 16)));
}

describe('protocol/README.md examples', () => {
  it('has an example for every message kind', () => {
    const documented = new Set(examples.map((e) => e.kind));
    for (const kind of MESSAGE_KINDS) assert.ok(documented.has(kind), `no example for ${kind}`);
  });

  examples.forEach(({ format, kind, text, at }, i) => {
    it(`example ${i + 1} (${format} ${kind}) decodes`, () => {
      assert.ok((MESSAGE_KINDS as string[]).includes(kind), `unknown kind ${kind}`);
      let bytes: Uint8Array;
      if (format === 'hex') {
        bytes = hexBytes(text);
      } else if (kind === 'snapshot') {
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
      if (format === 'hex') {
        // A hex example is the compact form of the JSON example of the same kind just before it.
        const json = examples.filter((e) => e.format === 'json' && e.kind === kind && e.at < at).at(-1);
        assert.ok(json, 'no JSON example before the hex one');
        const fromJson = decode(topicFor(kind, 'readme-agent'), new TextEncoder().encode(json.text));
        assert.ok(fromJson.ok);
        assert.deepStrictEqual(r.message, fromJson.message);
      }
    });
  });
});
