import { describe, expect, it } from 'vitest';
import { desiredAndExpected, disruptionsAllowed, scaledValue } from './budget.js';

describe('budget arithmetic', () => {
  it('percentages round up as upstream', () => {
    expect(scaledValue('50%', 5)).toBe(3);
    expect(scaledValue('1%', 1)).toBe(1);
    expect(scaledValue(2, 10)).toBe(2);
    expect(() => scaledValue('x', 1)).toThrow();
  });
  it('desired healthy from minAvailable or maxUnavailable', () => {
    expect(desiredAndExpected({ minAvailable: 2 }, 3, 0)).toEqual({ desiredHealthy: 2, expectedPods: 3 });
    expect(desiredAndExpected({ minAvailable: '50%' }, 3, 5)).toEqual({ desiredHealthy: 3, expectedPods: 5 });
    expect(desiredAndExpected({ maxUnavailable: '50%' }, 3, 5)).toEqual({ desiredHealthy: 2, expectedPods: 5 });
    expect(desiredAndExpected({ maxUnavailable: 9 }, 3, 5)).toEqual({ desiredHealthy: 0, expectedPods: 5 });
  });
  it('nothing is allowed without expected pods', () => {
    expect(disruptionsAllowed(3, 0, 0)).toBe(0);
    expect(disruptionsAllowed(3, 1, 3)).toBe(2);
    expect(disruptionsAllowed(1, 2, 3)).toBe(0);
  });
});
