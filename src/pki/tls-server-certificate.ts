import { isIP } from 'node:net';
import type { CaIdentity, Validity } from './ca-certificates.js';
import { issueCertificate, randomSerial } from './certificate.js';
import { contextPrimitive, sequence } from './der/der-writer.js';
import { encodeName } from './name.js';
import { keyIdentifierOf } from './spki.js';
import { authorityKeyIdentifier, basicConstraints, extendedKeyUsage, extension, keyUsage, subjectKeyIdentifier } from './extensions.js';
import { OID } from './oids.js';
import { EKU_SERVER_AUTH } from './operational-certificate.js';

/** IPv4/IPv6 address bytes for a SAN iPAddress (RFC 5280 §4.2.1.6: 4 or 16 octets). */
function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => { const b = Buffer.alloc(2); b.writeUInt16BE(parseInt(g, 16)); return b; }));
}

/** subjectAltName of dNSName and iPAddress entries: what TLS clients match the dialled name against (RFC 6125). */
export function serverNamesSan(names: string[]): Buffer {
  const entries = names.map((n) => (isIP(n) ? contextPrimitive(7, ipBytes(n)) : contextPrimitive(2, Buffer.from(n, 'ascii'))));
  return extension(OID.subjectAltName, false, sequence(...entries));
}

/** A TLS server certificate: digitalSignature, EKU serverAuth, the names in the SAN (strongSwan's EST client needs the IP there). */
export function issueTlsServerCertificate(issuer: CaIdentity, input: { spki: Uint8Array; names: string[]; organization: string; validity: Validity }): Buffer {
  return issueCertificate(
    {
      serial: randomSerial(),
      issuer: issuer.subject,
      subject: encodeName({ organization: input.organization, commonName: input.names[0] }),
      ...input.validity,
      spki: input.spki,
      extensions: [
        basicConstraints(false),
        keyUsage(['digitalSignature']),
        extendedKeyUsage([EKU_SERVER_AUTH]),
        subjectKeyIdentifier(keyIdentifierOf(input.spki)),
        authorityKeyIdentifier(issuer.keyIdentifier),
        serverNamesSan(input.names),
      ],
    },
    issuer.signer,
  );
}
