// A small DNS client on dns-packet for tests and benchmarks: build a query, send it over UDP or
// TCP with a timeout, decode the reply (with the rcode name, which dns-packet decodes but does
// not type).
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export type Reply = dnsPacket.DecodedPacket & { rcode: string };

export function encodeQuery(name: string, type: dnsPacket.RecordType, opts: { id?: number; edns?: number; ednsVersion?: number } = {}): Buffer {
  const additionals: dnsPacket.Answer[] = opts.edns
    ? [{ type: 'OPT', name: '.', udpPayloadSize: opts.edns, extendedRcode: 0, ednsVersion: opts.ednsVersion ?? 0, flags: 0, flag_do: false, options: [] } as dnsPacket.Answer]
    : [];
  return dnsPacket.encode({ type: 'query', id: opts.id ?? 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }], additionals });
}

export function decodeReply(buf: Buffer): Reply {
  return dnsPacket.decode(buf) as Reply;
}

export function udpExchange(address: string, port: number, query: Buffer, timeoutMs = 3000): Promise<Buffer> {
  const sock = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no UDP answer from ${address}:${port} in ${timeoutMs} ms`)), timeoutMs);
    sock.on('message', (msg) => { clearTimeout(timer); resolve(msg); });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.send(query, port, address);
  }).finally(() => sock.close());
}

export function tcpExchange(address: string, port: number, query: Buffer, timeoutMs = 3000): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const sock = net.connect({ host: address, port });
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no TCP answer from ${address}:${port} in ${timeoutMs} ms`)); }, timeoutMs);
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        resolve(got.subarray(2, 2 + got.readUInt16BE(0)));
      }
    });
  });
}

export async function query(address: string, port: number, name: string, type: dnsPacket.RecordType, opts: { tcp?: boolean; edns?: number; timeoutMs?: number } = {}): Promise<Reply> {
  const q = encodeQuery(name, type, { edns: opts.edns });
  return decodeReply(await (opts.tcp ? tcpExchange : udpExchange)(address, port, q, opts.timeoutMs));
}
