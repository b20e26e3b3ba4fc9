import pkcs11js from 'pkcs11js';
import { HsmOperationError } from './hsm.errors.js';
import { COUNTER_APPLICATION, decodeCounter } from './hsm-input.js';
import { ckrOf } from './pkcs11-support.js';

type Handle = pkcs11js.Handle;
type Find = (session: Handle, template: pkcs11js.Template) => Handle[];

/**
 * Counters as token data objects: CKO_DATA, CKA_APPLICATION "birthcert-counter", CKA_LABEL = name,
 * CKA_VALUE = 8-byte big-endian unsigned value.
 *
 * SoftHSM2 (2.6.1) treats a data object's CKA_VALUE as read-only after creation
 * (CKR_ATTRIBUTE_READ_ONLY), though other tokens let it change. So an update first tries
 * C_SetAttributeValue and, once the token has refused that, replaces the object instead:
 * create the new one, then destroy the old. A crash in between leaves two objects, never none;
 * a read then returns the larger value, which is one of the two a write-in-flight allows.
 */
export class Pkcs11Counters {
  /** Learnt on the first update: does this token let CKA_VALUE change? */
  private valueWritable: boolean | undefined;

  constructor(
    private readonly lib: pkcs11js.PKCS11,
    private readonly find: Find,
  ) {}

  read(session: Handle, name: string): bigint | null {
    let result: bigint | null = null;
    for (const handle of this.find(session, counterTemplate(name))) {
      const [a] = this.lib.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }]);
      const value = a ? decodeCounter(a.value) : null;
      if (value === null) throw new HsmOperationError(`counter "${name}" on the token is not an 8-byte value`);
      if (result === null || value > result) result = value;
    }
    return result;
  }

  write(session: Handle, name: string, bytes: Buffer): void {
    const existing = this.find(session, counterTemplate(name));
    if (existing.length === 1 && this.valueWritable !== false) {
      try {
        this.lib.C_SetAttributeValue(session, existing[0] as Handle, [{ type: pkcs11js.CKA_VALUE, value: bytes }]);
        this.valueWritable = true;
        return;
      } catch (err) {
        if (ckrOf(err) !== 'CKR_ATTRIBUTE_READ_ONLY') throw err;
        this.valueWritable = false;
      }
    }
    this.lib.C_CreateObject(session, [
      ...counterTemplate(name),
      { type: pkcs11js.CKA_PRIVATE, value: true }, // only a logged-in user reads or changes it
      { type: pkcs11js.CKA_MODIFIABLE, value: true },
      { type: pkcs11js.CKA_VALUE, value: bytes },
    ]);
    for (const old of existing) {
      try {
        this.lib.C_DestroyObject(session, old);
      } catch (err) {
        // Someone else removed it meanwhile: the goal (only the new value left) is met.
        if (ckrOf(err) !== 'CKR_OBJECT_HANDLE_INVALID') throw err;
      }
    }
  }
}

function counterTemplate(name: string): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_APPLICATION, value: COUNTER_APPLICATION },
    { type: pkcs11js.CKA_LABEL, value: name },
  ];
}
