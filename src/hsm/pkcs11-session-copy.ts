import pkcs11js from 'pkcs11js';

/**
 * How often a key signed through its session copy is checked to still exist on the token
 * (docs/decisions/0011-hsm-session-copies.md).
 */
export const TOKEN_RECHECK_MS = 1000;

/**
 * A private key's copy as a session object (C_CopyObject with CKA_TOKEN false), or null when
 * the token will not make one (CKA_COPYABLE false, C_CopyObject not supported, ...).
 *
 * Why: SoftHSM2 re-reads a token object's file state for every C_SignInit (~14 syscalls,
 * ~45 µs); a session object lives in the module's memory (~18 µs). The copy keeps every
 * attribute of the original (CKA_SENSITIVE, CKA_EXTRACTABLE false, CKA_PRIVATE): the key
 * never leaves the token, and the copy is gone when the session closes.
 */
export function copyToSession(lib: pkcs11js.PKCS11, session: pkcs11js.Handle, tokenKey: pkcs11js.Handle): pkcs11js.Handle | null {
  try {
    return lib.C_CopyObject(session, tokenKey, [{ type: pkcs11js.CKA_TOKEN, value: false }]);
  } catch {
    return null; // signing with the token object works the same, only slower
  }
}
