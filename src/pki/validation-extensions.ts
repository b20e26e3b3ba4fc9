import { contextPrimitive, oid, sequence } from './der/der-writer.js';
import { extension } from './extensions.js';

/** AuthorityInfoAccess with id-ad-ocsp and id-ad-caIssuers URIs (RFC 5280 §4.2.2.1). */
export function authorityInfoAccess(urls: { ocsp?: string; caIssuers?: string }): Buffer {
  const uri = (u: string): Buffer => contextPrimitive(6, Buffer.from(u, 'ascii'));
  const descriptions: Buffer[] = [];
  if (urls.ocsp) descriptions.push(sequence(oid('1.3.6.1.5.5.7.48.1'), uri(urls.ocsp)));
  if (urls.caIssuers) descriptions.push(sequence(oid('1.3.6.1.5.5.7.48.2'), uri(urls.caIssuers)));
  return extension('1.3.6.1.5.5.7.1.1', false, sequence(...descriptions));
}
