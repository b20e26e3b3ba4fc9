/** PKIBody CHOICE alternatives by their context tag number (RFC 4210 §5.1.2, RFC 9480). */
export const PKI_BODY_TYPES = [
  'ir', 'ip', 'cr', 'cp', 'p10cr', 'popdecc', 'popdecr', 'kur', 'kup', 'krr', 'krp', 'rr', 'rp', 'ccr', 'ccp',
  'ckuann', 'cann', 'rann', 'crlann', 'pkiconf', 'nested', 'genm', 'genp', 'error', 'certConf', 'pollReq', 'pollRep',
] as const;
export type PkiBodyType = (typeof PKI_BODY_TYPES)[number];

export const bodyTagNumber = (type: PkiBodyType): number => PKI_BODY_TYPES.indexOf(type);

/** The certificate-request bodies and the response each one is answered with (RFC 9483 §4.1). */
export const CERT_RESPONSE_FOR = { ir: 'ip', cr: 'cp', kur: 'kup', p10cr: 'cp' } as const satisfies Record<string, PkiBodyType>;
export type CertRequestBodyType = keyof typeof CERT_RESPONSE_FOR;
export const isCertRequestBody = (t: PkiBodyType): t is CertRequestBodyType => t in CERT_RESPONSE_FOR;
