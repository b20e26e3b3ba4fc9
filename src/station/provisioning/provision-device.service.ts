import { Inject, Injectable } from '@nestjs/common';
import { SIGNATURE_VERIFIER } from '../../hsm/hsm-signature-verifier.js';
import type { SignatureVerifier } from '../../pki/signature-verifier.js';
import { performance } from 'node:perf_hooks';
import { verifyCsr } from '../../pki/csr.js';
import { CsrRejectedError } from '../../pki/pki.errors.js';
import { isValidDeviceSerial } from '../../pki/name.js';
import { IssuanceService } from '../issuance/issuance.service.js';
import { OrderRegistry } from '../orders/order-registry.js';
import { JigManager, type SlotChannel } from './jig-manager.js';
import { SlotBoard, type SlotPhase } from './slot-board.js';
import { DeviceRefusedError, ReadBackMismatchError } from './provisioning.errors.js';
import { failpoint } from '../../common/failpoint.js';
import { JigDisconnectedError } from '../jigs/jig.errors.js';

export interface ProvisionOutcome {
  deviceSerial: string;
  fingerprint: string;
  reused: boolean;
  /**
   * time the device waited on the station (CSR check, issuance with its durable records,
   * read-back compare), excluding jig I/O: what decides whether a line runs at wire speed
   */
  stationMs: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * The provisioning path of system.md §5 for one device in one slot:
 * hello → CSR → policy (PoP, key type, serial) → issue (reserve, sign, commit) → inject →
 * read back and compare → lock. Safe to run again after any failure: the same device and key
 * get the same certificate back, at no cost in quota.
 */
@Injectable()
export class ProvisionDeviceService {
  constructor(
    private readonly jigs: JigManager,
    private readonly issuance: IssuanceService,
    private readonly orders: OrderRegistry,
    private readonly board: SlotBoard,
    /** a CSR's proof of possession is checked in the station's HSM (hsm-signature-verifier.ts) */
    @Inject(SIGNATURE_VERIFIER) private readonly popVerifier: SignatureVerifier,
  ) {}

  async provision(jigId: string, slot: number): Promise<ProvisionOutcome> {
    const settings = this.jigs.settings(jigId);
    const product = this.orders.product(settings.product);
    const step = (phase: SlotPhase, deviceSerial?: string) => this.board.set(jigId, slot, { phase, ...(deviceSerial ? { deviceSerial } : {}) });
    let stationMs = 0;
    const timed = async <T>(fn: () => Promise<T> | T): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        stationMs += performance.now() - t0;
      }
    };

    return this.jigs.withSlot(jigId, slot, async (jig) => {
      step('hello');
      const hello = await jig.hello();
      step('hello', hello.serial);
      if (!isValidDeviceSerial(hello.serial)) {
        throw new DeviceRefusedError('BAD_DEVICE_SERIAL', `device reports serial ${JSON.stringify(hello.serial)}, which is not a valid X.520 serialNumber`);
      }
      if (hello.model !== product.model) {
        throw new DeviceRefusedError('DEVICE_MISMATCH', `device is a ${hello.model}, but jig ${jigId} builds ${product.model}`);
      }
      if (hello.flags.locked) {
        return this.alreadyProvisioned(jigId, slot, hello.serial, jig);
      }

      step('csr');
      const csrDer = await jig.requestCsr(product.keyAlgorithm);
      step('issuing');
      const issued = await timed(async () => {
        const csr = verifyCsr(csrDer, [product.keyAlgorithm], this.popVerifier);
        if (csr.subjectSerial !== null && csr.subjectSerial !== hello.serial) {
          throw new CsrRejectedError('CSR_SUBJECT_MISMATCH', `CSR names serial ${csr.subjectSerial}, the device said ${hello.serial}`);
        }
        return this.issuance.issue({ deviceSerial: hello.serial, productModel: product.model, csr, jigId, slot });
      });

      step('injecting');
      await jig.inject(issued.certificate, issued.chain);
      failpoint('provision:after-inject');
      step('verifying');
      const stored = await jig.readBack();
      failpoint('provision:after-readback');
      const t0 = performance.now();
      const chainMatches = stored.chain.length === issued.chain.length && stored.chain.every((c, i) => sameBytes(c, issued.chain[i]));
      if (!sameBytes(stored.certificate, issued.certificate) || !chainMatches) {
        throw new ReadBackMismatchError(`jig ${jigId} slot ${slot}: device ${hello.serial} stored a different certificate or chain than was sent`);
      }
      stationMs += performance.now() - t0;
      // The 'injected' record commits while LOCK travels the wire; both are awaited before done.
      const device = { serial: hello.serial, orderId: issued.orderId, fingerprint: issued.fingerprint, actor: `jig ${jigId} slot ${slot}` };
      const injected = this.issuance.mark(issued.issuanceId, 'injected', device);
      step('locking');
      await Promise.all([jig.lock(), injected]);
      failpoint('provision:after-lock');
      // The device is released here; its final record does not hold the wire, so it is not
      // part of the station's time in the device's critical path (stationMs).
      await this.issuance.mark(issued.issuanceId, 'locked', device);
      step('done');
      return { deviceSerial: hello.serial, fingerprint: issued.fingerprint, reused: issued.reused, stationMs };
    });
  }

  /** A locked device is done only if it holds exactly the certificate this station issued it. */
  private async alreadyProvisioned(jigId: string, slot: number, serial: string, jig: SlotChannel): Promise<ProvisionOutcome> {
    const row = await this.issuance.findBySerial(serial);
    // a line pulled during this read is an interruption, not a verdict on the device
    const stored = await jig.readBack().catch((err: unknown) => {
      if (err instanceof JigDisconnectedError) throw err;
      return null;
    });
    if (row?.certificate && stored && sameBytes(stored.certificate, row.certificate)) {
      await this.issuance.mark(row.id, 'locked', { serial, orderId: row.order_id, fingerprint: row.fingerprint!, actor: `jig ${jigId} slot ${slot}` });
      this.board.set(jigId, slot, { phase: 'done', deviceSerial: serial });
      return { deviceSerial: serial, fingerprint: row.fingerprint!, reused: true, stationMs: 0 };
    }
    throw new DeviceRefusedError('DEVICE_LOCKED', `device ${serial} is locked with an identity this station did not issue: set it aside for the supervisor`);
  }
}
