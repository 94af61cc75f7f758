// The Duplex handed to RuntimeService.portForward: what the runtime writes goes to `onData`, its
// end to `onEnd`; the protocol side pushes the client's bytes in with push() and its half-close
// with push(null).
import { Duplex } from 'node:stream';

export function protocolDuplex(onData: (chunk: Buffer) => void, onEnd: () => void): Duplex {
  const d = new Duplex({
    allowHalfOpen: true,
    read() {},
    write(chunk: Buffer, _enc, cb) {
      onData(chunk);
      cb();
    },
    final(cb) {
      onEnd();
      cb();
    },
  });
  d.on('error', () => {});
  return d;
}
