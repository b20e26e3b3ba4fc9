import { children, contentOf, decodeOid, readTopLevel, type Tlv } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';

/** Name ::= SEQUENCE OF SET OF AttributeTypeAndValue (RFC 5280 §4.1.2.4): the first value of `attrOid`, or null. */
export function nameAttribute(name: Uint8Array, attrOid: string): string | null {
  const top = readTopLevel(name, 'Name');
  for (const rdn of children(name, top)) {
    for (const atv of children(name, rdn)) {
      const [type, value] = children(name, atv) as [Tlv, Tlv | undefined];
      if (!value || decodeOid(contentOf(name, type)) !== attrOid) continue;
      // UTF8String as UTF-8; PrintableString / IA5String are ASCII subsets of latin1
      return Buffer.from(contentOf(name, value)).toString(value.tag === TAG.UTF8_STRING ? 'utf8' : 'latin1');
    }
  }
  return null;
}
