/** Tunables of the CMP front-end; defaults fit the Lightweight CMP profile (RFC 9483). */
export const CMP_OPTIONS = Symbol('CMP_OPTIONS');

export interface CmpOptions {
  /** grant id-it-implicitConfirm when the client asks for it (RFC 4210 §5.1.1.1) */
  grantImplicitConfirm: boolean;
  /** how long an issued certificate waits for certConf before it is revoked as unconfirmed */
  confirmWaitSeconds: number;
  /** how long a pending transaction lives without a pollReq */
  pendingIdleSeconds: number;
  /** largest request body read (HTTP 413 above) */
  maxMessageBytes: number;
  /** how often abandoned transactions are swept; 0 disables the timer (tests sweep by hand) */
  sweepIntervalSeconds: number;
}

export const DEFAULT_CMP_OPTIONS: CmpOptions = {
  grantImplicitConfirm: true,
  confirmWaitSeconds: 300,
  pendingIdleSeconds: 3600,
  maxMessageBytes: 64 * 1024,
  sweepIntervalSeconds: 60,
};
