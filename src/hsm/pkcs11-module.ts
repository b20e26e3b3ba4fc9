import pkcs11js from 'pkcs11js';
import { HsmUnavailableError, tokenAlreadyOpen } from './hsm.errors.js';
import { ckrOf } from './pkcs11-support.js';

/**
 * One loaded-and-initialised PKCS#11 module per path, shared by every opener in the process.
 *
 * Why: dlopen hands every pkcs11js instance the same library, so a second C_Initialize answers
 * CKR_CRYPTOKI_ALREADY_INITIALIZED and the first C_Finalize would pull the rug from under the
 * others. Reference counting keeps C_Initialize/C_Finalize paired across openers.
 */
interface LoadedModule {
  readonly lib: pkcs11js.PKCS11;
  /** False if someone else in the process had initialised it already: then we never finalise. */
  readonly ownsInit: boolean;
  readonly openTokens: Set<string>;
}

const modules = new Map<string, LoadedModule>();

export interface ModuleLease {
  readonly lib: pkcs11js.PKCS11;
  /** Gives the token back; finalises and unloads the module when its last token is released. */
  release(): void;
}

function load(modulePath: string): LoadedModule {
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(modulePath);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new HsmUnavailableError(`cannot load PKCS#11 module ${modulePath}: ${detail}`, { cause: err });
  }
  let ownsInit = true;
  try {
    lib.C_Initialize();
  } catch (err) {
    if (ckrOf(err) === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      ownsInit = false;
    } else {
      lib.close();
      throw new HsmUnavailableError(`cannot initialise PKCS#11 module ${modulePath}: ${ckrOf(err) ?? String(err)}`, {
        cause: err,
      });
    }
  }
  return { lib, ownsInit, openTokens: new Set() };
}

/** Claims `tokenLabel` in the module at `modulePath` for one opener (see tokenAlreadyOpen). */
export function acquireModule(modulePath: string, tokenLabel: string): ModuleLease {
  let mod = modules.get(modulePath);
  if (mod?.openTokens.has(tokenLabel)) throw tokenAlreadyOpen(tokenLabel);
  if (!mod) {
    mod = load(modulePath);
    modules.set(modulePath, mod);
  }
  const owned = mod;
  owned.openTokens.add(tokenLabel);
  let released = false;
  return {
    lib: owned.lib,
    release() {
      if (released) return;
      released = true;
      owned.openTokens.delete(tokenLabel);
      if (owned.openTokens.size > 0) return;
      modules.delete(modulePath);
      try {
        if (owned.ownsInit) owned.lib.C_Finalize();
      } catch {
        // Finalising a module whose device vanished can fail; there is nothing left to undo.
      }
      owned.lib.close();
    },
  };
}
