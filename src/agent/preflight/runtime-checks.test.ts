import { describe, it, expect } from 'vitest';
import { checkOomScoreAdj, checkPauseImage } from './runtime-checks.js';

describe('runtime checks', () => {
  it('warns without a static busybox, names it otherwise', () => {
    expect(checkPauseImage('')).toMatchObject({ status: 'warn', message: expect.stringMatching(/busybox-static/) });
    expect(checkPauseImage('/bin/busybox')).toMatchObject({ status: 'ok', message: expect.stringMatching(/\/bin\/busybox/) });
  });
  it('reads CAP_SYS_RESOURCE from the effective set', () => {
    expect(checkOomScoreAdj('CapEff:\t000001ffffffffff\n').status).toBe('ok');
    expect(checkOomScoreAdj('CapEff:\t000001fffeffffff\n').status).toBe('warn');
  });
});
