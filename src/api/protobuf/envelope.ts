// The envelope of every Kubernetes protobuf body: the 4-byte magic `k8s\0`, then a
// runtime.Unknown {typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4}.

import protobuf from 'protobufjs/minimal.js';
import { hasK8sMagic } from './message-decoder.js';
import { WireError } from './wire-error.js';

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export function readEnvelope(body: Uint8Array): Envelope {
  if (!hasK8sMagic(body)) throw new WireError('the body does not start with the Kubernetes protobuf prefix "k8s\\x00"');
  const buf = Buffer.from(body.buffer, body.byteOffset + 4, body.byteLength - 4);
  const r = protobuf.Reader.create(buf);
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    const wt = tag & 7;
    const num = tag >>> 3;
    if (num >= 1 && num <= 4 && wt !== 2) throw new WireError(`runtime.Unknown field ${num}: wire type ${wt} where 2 was expected`);
    switch (num) {
      case 1: {
        const len = r.uint32();
        const end = r.pos + len;
        if (end > r.len) throw new WireError('runtime.Unknown typeMeta runs past the end of the body');
        while (r.pos < end) {
          const t = r.uint32();
          if ((t >>> 3 === 1 || t >>> 3 === 2) && (t & 7) !== 2) throw new WireError('runtime.TypeMeta: apiVersion and kind must be strings');
          if (t >>> 3 === 1) env.apiVersion = r.string();
          else if (t >>> 3 === 2) env.kind = r.string();
          else r.skipType(t & 7);
        }
        if (r.pos !== end) throw new WireError('runtime.Unknown typeMeta overruns its length');
        break;
      }
      case 2: env.raw = r.bytes(); break;
      case 3: env.contentEncoding = r.string(); break;
      case 4: env.contentType = r.string(); break;
      default: r.skipType(wt);
    }
  }
  return env;
}
