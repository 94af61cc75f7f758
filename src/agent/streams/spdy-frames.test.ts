import { describe, it, expect } from 'vitest';
import { constants, createInflate } from 'node:zlib';
import { FLAG_FIN, FrameReader, FrameType, HeaderCodec, controlFrame, dataFrame, u32 } from './spdy-frames.js';
import { spdyHeaderDictionary } from './spdy-dictionary.js';

describe('SPDY/3.1 frames', () => {
  it('splits frames however the bytes arrive', () => {
    const bytes = Buffer.concat([
      controlFrame(FrameType.Ping, 0, u32(7)),
      dataFrame(3, FLAG_FIN, Buffer.from('hello')),
    ]);
    const r = new FrameReader();
    const frames = [...bytes].flatMap((b) => r.push(Buffer.from([b])));
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ control: true, type: FrameType.Ping, flags: 0 });
    expect(frames[0]!.payload.readUInt32BE(0)).toBe(7);
    expect(frames[1]).toMatchObject({ control: false, streamId: 3, flags: FLAG_FIN });
    expect(frames[1]!.payload.toString()).toBe('hello');
    // version 3 with the control bit
    expect(bytes.readUInt16BE(0)).toBe(0x8003);
  });

  it('header blocks share one compression context per direction', async () => {
    const a = new HeaderCodec();
    const b = new HeaderCodec();
    try {
      for (const rid of ['0', '1', '2']) {
        const headers = new Map([['streamtype', 'data'], ['port', '8080'], ['requestid', rid]]);
        const wire = await a.encode(headers);
        expect(await b.decode(wire)).toEqual(headers);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('compresses with the SPDY dictionary (a plain zlib reader with it can read the block)', async () => {
    const c = new HeaderCodec();
    const wire = await c.encode(new Map([['streamtype', 'error']]));
    c.close();
    const out = await new Promise<Buffer>((resolve, reject) => {
      const z = createInflate({ dictionary: spdyHeaderDictionary });
      const parts: Buffer[] = [];
      z.on('data', (d: Buffer) => parts.push(d));
      z.on('error', reject);
      z.write(wire);
      z.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(parts)));
    });
    expect(out.readUInt32BE(0)).toBe(1);
    expect(out.includes(Buffer.from('streamtype'))).toBe(true);
  });
});
