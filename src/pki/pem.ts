/** PEM armour (RFC 7468). */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every PEM block with the given label, in order. */
export function fromPemAll(pem: string, label = 'CERTIFICATE'): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...pem.matchAll(re)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

export function fromPem(pem: string, label = 'CERTIFICATE'): Buffer {
  const [first] = fromPemAll(pem, label);
  if (!first) throw new Error(`no ${label} PEM block`);
  return first;
}
