// X.509 v3 certificates signed with ECDSA P-256 / SHA-256: the structure of RFC 5280 §4.1 with the
// extensions client-go's certutil puts on cluster certificates (basic constraints, key usage,
// extended key usage, subject/authority key identifiers, subject alternative names).
import { createHash, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString, boolean, children, explicit, implicitPrimitive, namedBits, octetString, oid, readElement,
  sequence, set, smallInteger, time, unsignedInteger, utf8String, type Der,
} from './der.js';

export interface CertificateTemplate {
  commonName: string;
  /** Subject O= values (Kubernetes reads them as the user's groups). */
  organizations?: string[];
  notBefore: Date;
  notAfter: Date;
  /** The subject's public key. */
  publicKey: KeyObject;
  usage: 'ca' | 'server' | 'client';
  sans?: { dns: string[]; ips: string[] };
}

export interface Issuer {
  /** The issuing CA's certificate; absent for a self-signed CA. */
  cert?: X509Certificate;
  key: KeyObject;
}

const OID = {
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};
// KeyUsage bit numbers (RFC 5280 §4.2.1.3).
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };

/** Issues a certificate for `t`, signed by `issuer` (or self-signed), as PEM. */
export function createCertificate(t: CertificateTemplate, issuer: Issuer): string {
  const spki = t.publicKey.export({ type: 'spki', format: 'der' });
  const subject = encodeName(t.commonName, t.organizations ?? []);
  // The issuer name is copied byte for byte from the CA certificate: chain building compares raw names.
  const issuerName = issuer.cert ? rawSubject(issuer.cert) : subject;
  const issuerSpki = issuer.cert ? issuer.cert.publicKey.export({ type: 'spki', format: 'der' }) : spki;
  const signatureAlgorithm = sequence(oid(OID.ecdsaWithSHA256));

  const extensions: Der[] = [];
  const ext = (id: string, critical: boolean, value: Der) =>
    extensions.push(sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value)));
  if (t.usage === 'ca') {
    ext(OID.keyUsage, true, namedBits([KU.digitalSignature, KU.keyCertSign, KU.cRLSign]));
    ext(OID.basicConstraints, true, sequence(boolean(true)));
    ext(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki)));
  } else {
    ext(OID.keyUsage, true, namedBits([KU.digitalSignature, KU.keyEncipherment]));
    ext(OID.extKeyUsage, false, sequence(oid(t.usage === 'server' ? OID.serverAuth : OID.clientAuth)));
    ext(OID.basicConstraints, true, sequence());
    ext(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyIdentifier(issuerSpki))));
  }
  if (t.sans && (t.sans.dns.length > 0 || t.sans.ips.length > 0)) {
    ext(OID.subjectAltName, false, sequence(
      ...t.sans.dns.map((d) => implicitPrimitive(2, Buffer.from(d, 'ascii'))),
      ...t.sans.ips.map((ip) => implicitPrimitive(7, ipBytes(ip))),
    ));
  }

  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(randomSerial()),
    signatureAlgorithm,
    issuerName,
    sequence(time(t.notBefore), time(t.notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer.key); // ECDSA-Sig-Value, DER
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

function encodeName(commonName: string, organizations: string[]): Der {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(...organizations.map((o) => rdn(OID.organization, o)), rdn(OID.commonName, commonName));
}

/** The DER subject Name of a certificate. */
function rawSubject(cert: X509Certificate): Der {
  const certificate = readElement(cert.raw);
  const tbs = children(certificate.value)[0]!;
  const fields = children(tbs.value);
  const first = fields[0]!.tag === 0xa0 ? 1 : 0; // version is optional (absent means v1)
  return fields[first + 4]!.raw; // serial, signature, issuer, validity, subject
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): Buffer {
  const [, subjectPublicKey] = children(readElement(spki).value);
  return createHash('sha1').update(subjectPublicKey!.value.subarray(1)).digest();
}

function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01; // positive, no leading zero byte (RFC 5280 §4.1.2.2)
  return b;
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  if (isIP(ip) !== 6 || ip.includes('.')) throw new Error(`unsupported IP address in a certificate: ${ip}`);
  const [head = '', tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(Number.parseInt(g, 16), i * 2));
  return out;
}
