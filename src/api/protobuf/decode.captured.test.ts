// Bodies captured from kubectl 1.32 (test/fixtures/protobuf/README.md) decode to the JSON that
// kubectl itself prints for the same object.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtobufObject } from './decode.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/protobuf/', import.meta.url));
const names = readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4)).sort();

describe('decodeProtobufObject on kubectl captures', () => {
  it('has the captures the brief asks for', () => {
    for (const n of ['configmap', 'secret', 'deployment', 'namespace', 'service', 'job', 'deleteoptions']) expect(names).toContain(n);
  });

  for (const name of names) {
    it(`decodes ${name}`, () => {
      const body = readFileSync(join(dir, `${name}.bin`));
      const want = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
      expect(decodeProtobufObject(body)).toEqual(want);
    });
  }

  it('keeps explicit zero pointers and base64-encodes bytes', () => {
    const dep = decodeProtobufObject(readFileSync(join(dir, 'deployment.bin'))) as { spec: { replicas: number } };
    expect(dep.spec.replicas).toBe(0);
    const secret = decodeProtobufObject(readFileSync(join(dir, 'secret.bin'))) as { data: Record<string, string> };
    expect(Buffer.from(secret.data.bin!, 'base64')).toEqual(Buffer.from([0, 1, 0xfe, 0xff, ...Buffer.from('hello')]));
  });
});
