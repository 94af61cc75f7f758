// The Duplex handed to RuntimeService.portForward: what the runtime writes goes to `onData`, its
// end to `onEnd`; the protocol side pushes the client's bytes in with push() and its half-close
// with push(null). `onData` may return a promise (settled once the bytes are on the client's
// socket): the next chunk waits for it, so a fast port cannot flood the agent's memory.
import { Duplex } from 'node:stream';

export function protocolDuplex(onData: (chunk: Buffer) => void | Promise<void>, onEnd: () => void): Duplex {
  const d = new Duplex({
    allowHalfOpen: true,
    read() {},
    write(chunk: Buffer, _enc, cb) {
      const sent = onData(chunk);
      if (sent) sent.then(() => cb(), () => cb());
      else cb();
    },
    final(cb) {
      onEnd();
      cb();
    },
  });
  d.on('error', () => {});
  return d;
}
