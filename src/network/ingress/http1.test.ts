import { describe, expect, it } from 'vitest';
import { ChunkedScanner, framingOf, parseHead } from './http1.js';

describe('parseHead', () => {
  it('splits the start line and headers', () => {
    const h = parseHead(Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\nX-A:  b \r\n\r\nrest'));
    expect(h).toEqual({ startLine: 'GET /a HTTP/1.1', headers: [['Host', 'x'], ['X-A', 'b']], length: 38 });
    expect(parseHead(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n'))).toBe('incomplete');
    expect(parseHead(Buffer.from('GET / HTTP/1.1\r\n folded\r\n\r\n'))).toBe('invalid');
    expect(parseHead(Buffer.from('GET / HTTP/1.1\r\nHost : x\r\n\r\n'))).toBe('invalid');
  });
});

describe('framingOf', () => {
  it('prefers chunked, rejects conflicts', () => {
    expect(framingOf([['Content-Length', '5']], { kind: 'none' })).toEqual({ kind: 'length', length: 5 });
    expect(framingOf([['Content-Length', '0']], { kind: 'close' })).toEqual({ kind: 'none' });
    expect(framingOf([['transfer-encoding', 'chunked']], { kind: 'none' })).toEqual({ kind: 'chunked' });
    expect(framingOf([['Transfer-Encoding', 'chunked'], ['Content-Length', '3']], { kind: 'none' })).toBeUndefined();
    expect(framingOf([['Content-Length', '3'], ['Content-Length', '4']], { kind: 'none' })).toBeUndefined();
    expect(framingOf([['Content-Length', '-1']], { kind: 'none' })).toBeUndefined();
    expect(framingOf([], { kind: 'close' })).toEqual({ kind: 'close' });
  });
});

describe('ChunkedScanner', () => {
  const body = Buffer.from('5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nTrailer: x\r\n\r\nNEXT');
  it('finds the end in one piece', () => {
    expect(new ChunkedScanner().feed(body)).toBe(body.length - 4);
  });
  it('finds the end fed byte by byte', () => {
    const s = new ChunkedScanner();
    let end = -1;
    for (let i = 0; i < body.length && end < 0; i++) {
      const r = s.feed(body.subarray(i, i + 1));
      if (r >= 0) end = i + r;
    }
    expect(end).toBe(body.length - 4);
  });
  it('rejects garbage', () => {
    expect(new ChunkedScanner().feed(Buffer.from('zz\r\n'))).toBeNaN();
    expect(new ChunkedScanner().feed(Buffer.from('2\r\nabX'))).toBeNaN();
  });
});
