import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preferredBrokerUrl } from './stream.js';

describe('broker URL choice', () => {
  const cases: [string[], string][] = [
    [['mqtt://hub:1883', 'mqtts://hub:8883', 'ws://hub:8080/mqtt'], 'mqtts://hub:8883'],
    [['mqtt://hub:1883', 'ws://hub/mqtt', 'wss://hub/mqtt'], 'wss://hub/mqtt'],
    [['tcp://hub:1883', 'ssl://hub:8883'], 'ssl://hub:8883'],
    [['MQTTS://hub:8883'], 'MQTTS://hub:8883'],
    [['mqtt://hub:1883', 'ws://hub:8080/mqtt'], 'mqtt://hub:1883'],
    [[], ''],
  ];
  for (const [urls, want] of cases) {
    it(`${urls.join(' ') || '(none)'} -> ${want || '(none)'}`, () =>
      assert.equal(preferredBrokerUrl(urls), want));
  }
});
