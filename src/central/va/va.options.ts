/**
 * How the validation authority runs. Defaults suit production; tests shorten nothing (they pass
 * their own clock to the service instead).
 */
export interface VaOptions {
  /** ca_certificate rows whose certificates the VA answers for (each gets a responder and a CRL) */
  cas: string[];
  /** lifetime of a delegated responder certificate: short, since it carries ocsp-nocheck (RFC 6960 §4.2.2.2.1) */
  responderValidityMs: number;
  /** a responder certificate with less than this left is reissued */
  responderRenewBeforeMs: number;
  /** OCSP nextUpdate - thisUpdate: how long a client (or cache) may rely on an answer */
  ocspValidityMs: number;
  /** CRL nextUpdate - thisUpdate */
  crlValidityMs: number;
  /** a CRL with less than this left before nextUpdate is regenerated (RFC 5280 §5.1.2.5: issue before nextUpdate) */
  crlRenewBeforeMs: number;
  /** how often the service checks responders and CRLs on its own (0: only on demand) */
  refreshIntervalMs: number;
}

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

export const DEFAULT_VA_OPTIONS: VaOptions = {
  cas: ['operational-ca'],
  responderValidityMs: 30 * DAY,
  responderRenewBeforeMs: 10 * DAY,
  ocspValidityMs: HOUR,
  crlValidityMs: 7 * DAY,
  crlRenewBeforeMs: 6 * DAY,
  refreshIntervalMs: HOUR,
};

export const VA_OPTIONS = Symbol('VA_OPTIONS');

/** A ca_certificate row name that can appear in a URL path (/crl/<ca>.crl, /ca/<ca>.cer). */
export const CA_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The ca_certificate row (and HSM key label) of a CA's delegated OCSP responder. */
export const responderLabel = (caName: string): string => `ocsp-responder-${caName}`;
