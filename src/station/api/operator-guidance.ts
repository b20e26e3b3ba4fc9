/**
 * What the operator should do about a slot that failed or was refused, by error code. The
 * station's message says what happened; this says what to do next, in the words of the line.
 */
const ACTIONS: Record<string, string> = {
  CSR_BAD_SIGNATURE: 'Put the device in the reject bin: its key failed the proof of possession. Do not retry.',
  CSR_MALFORMED: 'Put the device in the reject bin: its certificate request is malformed. Do not retry.',
  CSR_KEY_POLICY: 'Put the device in the reject bin: its key type is not allowed for this product. Check the firmware version.',
  CSR_SUBJECT_MISMATCH: 'Put the device in the reject bin: its request names another serial than the device reported.',
  DEVICE_LOCKED: 'The device is already locked with another identity: set it aside and call the supervisor.',
  BAD_DEVICE_SERIAL: 'The device reports an unreadable serial: put it in the reject bin.',
  DEVICE_MISMATCH: 'Check the device is the product this jig builds; if not, move it to the right jig.',
  SERIAL_OUT_OF_RANGE: 'Set the device aside: its serial is outside the open orders. Call the supervisor.',
  DUPLICATE_SERIAL: 'Set the device aside and call the supervisor: another device already has this serial (possible clone).',
  QUOTA_EXHAUSTED: 'The order is used up: stop loading devices and call the supervisor for a new grant.',
  NO_OPEN_ORDER: 'No order is open for this product: call the supervisor to import a grant.',
  ORDER_NOT_OPEN: 'The order is closed: call the supervisor.',
  ISSUANCE_LOCKED: 'Issuance is locked by a tamper alarm: call the supervisor.',
  TAMPER_DETECTED: 'Issuance is locked by a tamper alarm: call the supervisor.',
  JIG_TIMEOUT: 'Reseat the device and check the jig cable, then ask the supervisor to re-run the slot.',
  JIG_DISCONNECTED: 'Check the jig is powered and connected, reseat the device, then re-run the slot.',
  JIG_FRAME_INVALID: 'Reseat the device (a bad contact garbles the line), then re-run the slot.',
  JIG_PROTOCOL: 'Reseat the device, then re-run the slot; if it fails again, reject it.',
  JIG_MESSAGE_INVALID: 'Reseat the device, then re-run the slot; if it fails again, reject it.',
  JIG_NACK: 'The device refused a step: re-run the slot once; if it fails again, put it in the reject bin.',
  READ_BACK_MISMATCH: 'The device stored its certificate wrongly: re-run the slot once; if it fails again, reject it.',
  HSM_UNAVAILABLE: 'The station cannot reach its HSM: call the supervisor.',
};

const FALLBACK = 'Reseat the device and ask the supervisor to re-run the slot; if it fails again, put it in the reject bin.';

export function operatorAction(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return ACTIONS[code] ?? FALLBACK;
}
