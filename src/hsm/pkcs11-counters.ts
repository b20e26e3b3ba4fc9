import pkcs11js from 'pkcs11js';
import { HsmOperationError } from './hsm.errors.js';
import { COUNTER_APPLICATION } from './hsm-input.js';
import { ckrOf } from './pkcs11-support.js';

type Handle = pkcs11js.Handle;
type Find = (session: Handle, template: pkcs11js.Template) => Handle[];

/**
 * Counters as token data objects: CKO_DATA, private, CKA_APPLICATION "birthcert-counter:<name>",
 * the value in CKA_LABEL as decimal text.
 *
 * Why the label: SoftHSM2 (2.6.1) treats a data object's CKA_VALUE as read-only after creation
 * (CKR_ATTRIBUTE_READ_ONLY), so keeping the value there means replacing the object on every
 * update (create + destroy, ~2.2 ms). CKA_LABEL is modifiable on SoftHSM2 and on HSMs generally
 * (PKCS#11 §4.4: label is modifiable by default) and updates in place in ~0.15 ms — cheap enough
 * to count on the issuance path. An update is one C_SetAttributeValue: the token keeps either
 * the old or the new value. Should a crash ever leave two objects for one name, a read returns
 * the larger value (counters here only grow).
 */
export class Pkcs11Counters {
  private readonly handles = new Map<string, Handle>();

  constructor(
    private readonly lib: pkcs11js.PKCS11,
    private readonly find: Find,
  ) {}

  read(session: Handle, name: string): bigint | null {
    let best: { handle: Handle; value: bigint } | null = null;
    const found = this.find(session, counterTemplate(name));
    for (const handle of found) {
      const value = this.valueOf(session, handle, name);
      if (best === null || value > best.value) best = { handle, value };
    }
    if (best === null) return null;
    // duplicates: keep the largest, so later in-place writes leave exactly one object
    for (const handle of found) if (handle !== best.handle) this.lib.C_DestroyObject(session, handle);
    this.handles.set(name, best.handle);
    return best.value;
  }

  write(session: Handle, name: string, value: bigint): void {
    const label = Buffer.from(value.toString(10), 'ascii');
    const cached = this.handles.get(name);
    if (cached !== undefined) {
      try {
        this.lib.C_SetAttributeValue(session, cached, [{ type: pkcs11js.CKA_LABEL, value: label }]);
        return;
      } catch (err) {
        // destroyed or the session was renewed: look it up again below
        if (ckrOf(err) !== 'CKR_OBJECT_HANDLE_INVALID') throw err;
        this.handles.delete(name);
      }
    }
    if (this.read(session, name) !== null) {
      this.lib.C_SetAttributeValue(session, this.handles.get(name)!, [{ type: pkcs11js.CKA_LABEL, value: label }]);
      return;
    }
    const created = this.lib.C_CreateObject(session, [
      ...counterTemplate(name),
      { type: pkcs11js.CKA_PRIVATE, value: true }, // only a logged-in user reads or changes it
      { type: pkcs11js.CKA_MODIFIABLE, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    this.handles.set(name, created);
  }

  /** Forget cached handles (a new session may number objects differently). */
  reset(): void {
    this.handles.clear();
  }

  private valueOf(session: Handle, handle: Handle, name: string): bigint {
    const [a] = this.lib.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_LABEL }]);
    const text = a?.value ? Buffer.from(a.value).toString('ascii') : '';
    if (!/^\d{1,20}$/.test(text)) throw new HsmOperationError(`counter "${name}" on the token does not hold a number`);
    return BigInt(text);
  }
}

function counterTemplate(name: string): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_APPLICATION, value: `${COUNTER_APPLICATION}:${name}` },
  ];
}
