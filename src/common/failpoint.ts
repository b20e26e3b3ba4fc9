/**
 * Named fail points on the issuance path, for crash-safety tests: with
 * STATION_FAILPOINT=<name> (and optionally STATION_FAILPOINT_HIT=<n>, default 1) the process
 * kills itself with SIGKILL the n-th time it passes that point — as a power cut or `kill -9`
 * would stop it, with no cleanup. Without the variable every call is a no-op.
 */
export const FAILPOINTS = [
  'guard:after-hsm-mark',
  'issue:after-reserve',
  'issue:after-sign',
  'issue:after-commit',
  'provision:after-inject',
  'provision:after-readback',
  'provision:after-lock',
  // audit sync: central stored the batch, the station has not recorded the receipt
  'audit:after-send',
] as const;
export type FailpointName = (typeof FAILPOINTS)[number];

const armed = process.env.STATION_FAILPOINT as FailpointName | undefined;
let remaining = Number(process.env.STATION_FAILPOINT_HIT ?? '1');

export function failpoint(name: FailpointName): void {
  if (armed !== name) return;
  if (--remaining > 0) return;
  process.stderr.write(`FAILPOINT ${name}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
