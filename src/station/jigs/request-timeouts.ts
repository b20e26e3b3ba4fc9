/**
 * Per-try timeouts of the jig protocol, from the line speed (docs/jig-protocol.md §8, whose
 * table test/unit/jigs/request-timeouts.test.ts checks against this file).
 *
 * timeout = wire time of the request + wire time of the largest answer that request can get
 *         + the device's work allowance + a margin for the host's own scheduling.
 *
 * Only CSR and READ_BACK answers can be large; every other answer (and every NACK) fits in
 * SMALL_ANSWER_BYTES (§8). Budgeting the answer per request instead of a maximal frame for all
 * keeps a slow line (9600 baud: 8.5 s per maximal frame) from waiting seconds for a HELLO that
 * will never come.
 */
import type { KeyAlgorithm } from '../../pki/key-algorithm.js';
import { DEFAULT_BAUD_RATE, HEADER_LENGTH, CRC_LENGTH, MAX_FRAME_LENGTH, wireTimeMs } from './protocol/constants.js';
import { encodeRequest, type JigRequest } from './protocol/messages.js';

/** Largest answer to JIG_INFO, HELLO, INJECT and LOCK, and largest NACK, in bytes on the wire. */
export const SMALL_ANSWER_BYTES = 512;

/**
 * USB has no baud rate: a full-speed bulk pipe moves about 1 MB/s, which is what a 10 Mbaud
 * 8N1 line would. Timeouts of USB jigs are computed at this equivalent.
 */
export const USB_LINE_BAUD_EQUIVALENT = 10_000_000;

/** Time the device may take to act, on top of wire time. */
const PROCESSING_ALLOWANCE_MS: Record<JigRequest['type'], number> = {
  JIG_INFO: 200,
  HELLO: 200,
  CSR_REQUEST: 3_000,
  INJECT: 2_000,
  READ_BACK: 300,
  LOCK: 1_000,
};
/** RSA key generation on a microcontroller takes seconds to tens of seconds. */
const RSA_KEYGEN_ALLOWANCE_MS: Partial<Record<KeyAlgorithm, number>> = { 'rsa-2048': 15_000, 'rsa-3072': 45_000 };

/** The station's own delays (event loop, a busy host with many jigs) must not cost a retransmission. */
export const HOST_MARGIN_MS = 500;

const ANSWER_BUDGET: Record<JigRequest['type'], number> = {
  JIG_INFO: SMALL_ANSWER_BYTES,
  HELLO: SMALL_ANSWER_BYTES,
  CSR_REQUEST: MAX_FRAME_LENGTH,
  INJECT: SMALL_ANSWER_BYTES,
  READ_BACK: MAX_FRAME_LENGTH,
  LOCK: SMALL_ANSWER_BYTES,
};

export function allowanceMs(request: JigRequest): number {
  return request.type === 'CSR_REQUEST'
    ? (RSA_KEYGEN_ALLOWANCE_MS[request.algorithm] ?? PROCESSING_ALLOWANCE_MS.CSR_REQUEST)
    : PROCESSING_ALLOWANCE_MS[request.type];
}

/** Default per-try timeout of one request at a line speed. */
export function defaultRequestTimeoutMs(request: JigRequest, baudRate: number = DEFAULT_BAUD_RATE): number {
  const requestBytes = encodeRequest(request).payload.length + HEADER_LENGTH + CRC_LENGTH;
  return Math.ceil(wireTimeMs(requestBytes, baudRate) + wireTimeMs(ANSWER_BUDGET[request.type], baudRate) + allowanceMs(request) + HOST_MARGIN_MS);
}

/** Representative requests for the documentation's table (INJECT with 3 kB of certificates). */
export const TABLE_REQUESTS: ReadonlyArray<{ label: string; request: JigRequest }> = [
  { label: 'JIG_INFO, HELLO', request: { type: 'HELLO' } },
  { label: 'CSR_REQUEST ec-p256/ec-p384/ed25519', request: { type: 'CSR_REQUEST', algorithm: 'ec-p256' } },
  { label: 'CSR_REQUEST rsa-2048', request: { type: 'CSR_REQUEST', algorithm: 'rsa-2048' } },
  { label: 'CSR_REQUEST rsa-3072', request: { type: 'CSR_REQUEST', algorithm: 'rsa-3072' } },
  { label: 'INJECT (3 kB of certificates)', request: { type: 'INJECT', certificate: new Uint8Array(1000), chain: [new Uint8Array(1000), new Uint8Array(1000)] } },
  { label: 'READ_BACK', request: { type: 'READ_BACK' } },
  { label: 'LOCK', request: { type: 'LOCK' } },
];

export const TABLE_BAUD_RATES = [9600, 19200, 57600, 115200, 230400, 921600] as const;
