import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyHash, fitHash, fnv1a32 } from '../../server/transforms/encode-hash.js';
import { num, str, valuesOf } from './fixtures.js';

/** FNV-1a written out over explicit bytes with BigInt, independent of the implementation's Math.imul. */
function byHand(bytes: number[]): number {
  let h = 0x811c9dc5n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x01000193n) % 2n ** 32n;
  return Number(h);
}

describe('fnv1a32', () => {
  it('starts from the offset basis', () => {
    assert.equal(fnv1a32(''), 2166136261);
  });

  it('matches the published FNV-1a test vectors', () => {
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  });

  it('matches the byte-by-byte arithmetic', () => {
    // "a" is 0x61: (0x811c9dc5 ^ 0x61) * 0x01000193 mod 2^32
    assert.equal(fnv1a32('a'), byHand([0x61]));
    assert.equal(fnv1a32('42'), byHand([0x34, 0x32]));
    assert.equal(fnv1a32('true'), byHand([0x74, 0x72, 0x75, 0x65]));
  });

  it('hashes UTF-8 bytes: 2-, 3- and 4-byte characters, and a lone surrogate as U+FFFD', () => {
    assert.equal(fnv1a32('é'), byHand([0xc3, 0xa9]));
    assert.equal(fnv1a32('€'), byHand([0xe2, 0x82, 0xac]));
    assert.equal(fnv1a32('\u{1f600}'), byHand([0xf0, 0x9f, 0x98, 0x80]));
    assert.equal(fnv1a32('a\ud800'), byHand([0x61, 0xef, 0xbf, 0xbd]));
    for (const s of ['Zürich', 'naïve café', '日本語', 'x\u{10ffff}y']) assert.equal(fnv1a32(s), byHand([...Buffer.from(s, 'utf8')]), s);
  });
});

describe('encode hash', () => {
  it('buckets strings by fnv1a32 % buckets; null stays null; nothing is fitted', () => {
    assert.deepEqual(fitHash(), {});
    const out = applyHash(7, 'string', str(['a', null, 'foobar', 'a']));
    // 0xe40c292c = 3826002220 = 7 * 546571745 + 5; 0xbf9cf968 = 3214735720 = 7 * 459247960 + 0
    assert.deepEqual(valuesOf(out), [3826002220 % 7, null, 3214735720 % 7, 3826002220 % 7]);
    assert.deepEqual(valuesOf(out), [5, null, 0, 5]);
  });

  it('hashes int64 and bool through their canonical strings', () => {
    assert.deepEqual(valuesOf(applyHash(1000, 'int64', num([42, -7, null]))), [byHand([0x34, 0x32]) % 1000, byHand([0x2d, 0x37]) % 1000, null]);
    assert.deepEqual(valuesOf(applyHash(1000, 'bool', num([true]))), [byHand([0x74, 0x72, 0x75, 0x65]) % 1000]);
  });

  it('puts everything in bucket 0 with one bucket', () => {
    assert.deepEqual(valuesOf(applyHash(1, 'string', str(['p', 'q']))), [0, 0]);
  });
});
