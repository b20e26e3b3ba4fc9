import pkcs11js from 'pkcs11js';
import { HsmOperationError, loginRefused, tokenNotFound } from './hsm.errors.js';
import type { HsmConfig } from './hsm.port.js';
import { ckrOf, isUnavailable, toHsmError, trimLabel } from './pkcs11-support.js';

type Lib = pkcs11js.PKCS11;

/**
 * The slot holding the token labelled `tokenLabel`. By label, because slot ids are not stable:
 * SoftHSM2 assigns a random one at --init-token, and real HSMs renumber after re-partitioning.
 */
export function findSlot(lib: Lib, tokenLabel: string): pkcs11js.Handle {
  let slots: pkcs11js.Handle[];
  try {
    slots = lib.C_GetSlotList(true);
  } catch (err) {
    throw toHsmError(err, 'list PKCS#11 slots');
  }
  const present: string[] = [];
  const matches: pkcs11js.Handle[] = [];
  for (const slot of slots) {
    let label: string;
    try {
      const info = lib.C_GetTokenInfo(slot);
      // An uninitialised token has no meaningful label (SoftHSM2 always shows one free slot).
      if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) continue;
      label = trimLabel(info.label);
    } catch {
      continue; // a slot whose token vanished between the two calls
    }
    present.push(label);
    if (label === tokenLabel) matches.push(slot);
  }
  if (matches.length > 1) {
    throw new HsmOperationError(`${matches.length} PKCS#11 tokens are labelled "${tokenLabel}"; labels must be unique`);
  }
  const [slot] = matches;
  if (!slot) throw tokenNotFound(tokenLabel, present);
  return slot;
}

/**
 * Opens a R/W session on the configured token and logs the user in.
 *
 * `pinVerified` is true when re-opening after a lost session: then a login state that survived
 * (CKR_USER_ALREADY_LOGGED_IN) is ours. On a first open it is refused instead, because the token
 * answers that without checking the PIN it was given.
 */
export function openSession(lib: Lib, config: HsmConfig, opts: { pinVerified: boolean }): pkcs11js.Handle {
  const slot = findSlot(lib, config.tokenLabel);
  let session: pkcs11js.Handle;
  try {
    session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  } catch (err) {
    throw toHsmError(err, `open a session on PKCS#11 token "${config.tokenLabel}"`);
  }
  try {
    lib.C_Login(session, pkcs11js.CKU_USER, config.pin);
  } catch (err) {
    const ckr = ckrOf(err);
    if (ckr === 'CKR_USER_ALREADY_LOGGED_IN' && opts.pinVerified) return session;
    try {
      lib.C_CloseSession(session);
    } catch {
      // nothing more to release
    }
    if (ckr === null || isUnavailable(ckr)) throw toHsmError(err, `log in to PKCS#11 token "${config.tokenLabel}"`);
    throw loginRefused(config.tokenLabel, ckr, err);
  }
  return session;
}
