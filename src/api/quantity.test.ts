import { describe, it, expect } from 'vitest';
import { Quantity, canonicalQuantity, parseQuantity } from './quantity.js';

describe('Quantity', () => {
  it('serialises canonically as upstream', () => {
    const cases: [string, string][] = [
      ['0', '0'], ['0m', '0'], ['1', '1'], ['1.5', '1500m'], ['0.1', '100m'], ['100m', '100m'], ['1000m', '1'],
      ['1000', '1k'], ['1500', '1500'], ['12e6', '12e6'], ['1e3', '1e3'], ['1M', '1M'], ['1000k', '1M'],
      ['2048Ki', '2Mi'], ['1Gi', '1Gi'], ['1.5Gi', '1536Mi'], ['1.5Ki', '1536'], ['0.5Ki', '512'], ['512Ki', '512Ki'],
      ['1024', '1024'], ['-1.5', '-1500m'], ['1n', '1n'], ['1.5n', '2n'], ['0.1n', '1n'], ['+5', '5'], ['1.', '1'],
      ['.5', '500m'], ['100Mi', '100Mi'], ['1E', '1E'], ['123456789', '123456789'], ['1500u', '1500u'], ['1500000u', '1500m'],
    ];
    for (const [input, want] of cases) expect([input, canonicalQuantity(input)]).toEqual([input, want]);
  });

  it('accepts JSON numbers', () => {
    expect(parseQuantity(2).toString()).toBe('2');
    expect(parseQuantity(0.25).toString()).toBe('250m');
  });

  it('reports upstream errors', () => {
    expect(() => parseQuantity('')).toThrow("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(() => parseQuantity('1 Gi')).toThrow('quantities must match the regular expression');
    expect(() => parseQuantity('abc')).toThrow('quantities must match the regular expression');
    expect(() => parseQuantity('1Gb')).toThrow('quantities must match the regular expression');
    expect(() => parseQuantity('1KiB')).toThrow('quantities must match');
    expect(() => parseQuantity('1i')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('5e')).toThrow("unable to parse quantity's suffix");
    expect(Quantity.tryParse('x')).toBeUndefined();
  });

  it('compares and adds exactly', () => {
    expect(parseQuantity('1').cmp(parseQuantity('1000m'))).toBe(0);
    expect(parseQuantity('1Ki').cmp(parseQuantity('1k'))).toBe(1);
    expect(parseQuantity('100m').add(parseQuantity('1.9')).toString()).toBe('2');
    expect(parseQuantity('1Gi').sub(parseQuantity('512Mi')).toString()).toBe('512Mi');
    expect(parseQuantity('0').add(parseQuantity('1Gi')).toString()).toBe('1Gi');
  });

  it('converts to milli-units and bytes, rounding up', () => {
    expect(parseQuantity('250m').milliValue()).toBe(250);
    expect(parseQuantity('2').milliValue()).toBe(2000);
    expect(parseQuantity('1.5n').milliValue()).toBe(1);
    expect(parseQuantity('1Mi').bytes()).toBe(1048576);
    expect(parseQuantity('1500m').value()).toBe(2);
    expect(Quantity.fromMilli(1500).toString()).toBe('1500m');
    expect(Quantity.fromInt(4096, 'BinarySI').toString()).toBe('4Ki');
    expect(JSON.stringify({ cpu: parseQuantity('0.5') })).toBe('{"cpu":"500m"}');
  });
});
