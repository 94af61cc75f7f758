// A scripted upstream resolver for the cluster DNS tests: answers from a table over UDP and TCP,
// can force truncation over UDP, and counts what it was asked.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export interface FakeAnswer {
  rcode?: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
  answers?: dnsPacket.Answer[];
  authorities?: dnsPacket.Answer[];
  /** Answer over UDP with TC set and nothing else (the client must retry over TCP). */
  truncateUdp?: boolean;
}

export interface FakeUpstream {
  address: string;
  port: number;
  asked: Array<{ name: string; type: string; proto: 'udp' | 'tcp' }>;
  stop(): Promise<void>;
}

const rcodes: Record<string, number> = { NOERROR: 0, NXDOMAIN: 3, SERVFAIL: 2 };

function reply(query: Buffer, table: Record<string, FakeAnswer>, proto: 'udp' | 'tcp', asked: FakeUpstream['asked']): Buffer {
  const q = dnsPacket.decode(query);
  const question = q.questions![0]!;
  asked.push({ name: question.name.toLowerCase(), type: question.type, proto });
  const a = table[`${question.name.toLowerCase()} ${question.type}`] ?? table[question.name.toLowerCase()] ?? { rcode: 'NXDOMAIN' };
  const truncated = proto === 'udp' && a.truncateUdp === true;
  const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) | rcodes[a.rcode ?? 'NOERROR']!;
  return dnsPacket.encode({
    type: 'response', id: q.id, flags, questions: q.questions,
    answers: truncated ? [] : a.answers ?? [], authorities: truncated ? [] : a.authorities ?? [],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.Answer],
  });
}

export async function startFakeUpstream(address: string, table: Record<string, FakeAnswer>): Promise<FakeUpstream> {
  const asked: FakeUpstream['asked'] = [];
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, address, () => r()));
  const port = udp.address().port;
  udp.on('message', (msg, rinfo) => udp.send(reply(msg, table, 'udp', asked), rinfo.port, rinfo.address));
  const tcp = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const r = reply(msg, table, 'tcp', asked);
        const len = Buffer.alloc(2);
        len.writeUInt16BE(r.length);
        sock.write(Buffer.concat([len, r]));
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => tcp.listen(port, address, () => r()));
  return {
    address, port, asked,
    stop: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}
