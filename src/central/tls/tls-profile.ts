import { constants } from 'node:crypto';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * The cipher suites central offers, best first: AEAD only, TLS 1.3 and then TLS 1.2 with an
 * ECDHE key exchange (the RSA entries serve a TLS key of another type, should one be configured).
 *
 * AES-128-GCM with SHA-256 leads, ahead of OpenSSL's default AES-256-GCM with SHA-384: it matches
 * the 128-bit strength of the P-256 keys on both ends, and on a server with AES-NI and SHA-NI it
 * is the cheaper suite — SHA-384, which TLS 1.3 then uses for the transcript and every key
 * schedule step, has no instruction of its own. Measured with two Node HTTPS servers with
 * central's settings on one core at once, requests alternating between them: 1–2% more
 * mutual-TLS handshakes per CPU-second (docs/performance.md).
 */
export const CENTRAL_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * Central's TLS settings for the devices' listener (EST, RFC 7030 §3.3.1 asks for TLS 1.1 or
 * later; we take 1.2 or later). Central's order of suites wins, except that a client putting
 * ChaCha20-Poly1305 first gets it (OpenSSL's PrioritizeChaCha): a constrained device without AES
 * instructions says so by that order, and ChaCha20 is the cheaper suite for it.
 */
export const CENTRAL_TLS_PROFILE: Pick<TlsOptions & SecureContextOptions, 'minVersion' | 'ciphers' | 'honorCipherOrder' | 'secureOptions'> = {
  minVersion: 'TLSv1.2',
  ciphers: CENTRAL_CIPHERS,
  honorCipherOrder: true,
  secureOptions: constants.SSL_OP_PRIORITIZE_CHACHA,
};
