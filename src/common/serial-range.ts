/**
 * Device serial ranges are two bounds of equal length; a serial is inside when it has that
 * length and sorts between them. With fixed-width serials (SN000001..SN000100) this is the
 * numeric range, and it works for any alphabet the factory uses. Documented in docs/pki-profile.md.
 */
export function serialInRange(serial: string, first: string, last: string): boolean {
  return serial.length === first.length && serial >= first && serial <= last;
}
