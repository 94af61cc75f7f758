import { describe, it, expect } from 'vitest';
import { children, namedBits, oid, readElement, sequence, time, unsignedInteger, utf8String } from './der.js';

const hex = (b: Buffer) => b.toString('hex');

describe('DER', () => {
  it('encodes object identifiers (base-128 arcs)', () => {
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(oid('2.5.29.17'))).toBe('0603551d11');
  });
  it('encodes non-negative integers minimally', () => {
    expect(hex(unsignedInteger(Buffer.from([0x00, 0x00, 0x05])))).toBe('020105');
    expect(hex(unsignedInteger(Buffer.from([0x80])))).toBe('02020080');
  });
  it('encodes key usage bits without trailing zeros', () => {
    expect(hex(namedBits([0, 5, 6]))).toBe('03020186'); // digitalSignature, keyCertSign, cRLSign
    expect(hex(namedBits([0, 2]))).toBe('030205a0'); // digitalSignature, keyEncipherment
  });
  it('uses UTCTime before 2050 and GeneralizedTime after', () => {
    expect(time(new Date('2036-01-02T03:04:05.678Z')).toString('latin1').slice(2)).toBe('360102030405Z');
    expect(time(new Date('2056-01-02T03:04:05Z'))[0]).toBe(0x18);
  });
  it('uses long-form lengths past 127 bytes and reads them back', () => {
    const big = utf8String('x'.repeat(300));
    expect(hex(big.subarray(0, 4))).toBe('0c82012c');
    const s = sequence(big, utf8String('y'));
    const items = children(readElement(s).value);
    expect(items.map((e) => e.value.length)).toEqual([300, 1]);
  });
});
