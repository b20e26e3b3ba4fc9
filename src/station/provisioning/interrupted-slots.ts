import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JigManager } from './jig-manager.js';
import { PROVISIONING_QUEUE_PORT, type ProvisioningQueue } from './provisioning.queue.js';
import { SlotBoard } from './slot-board.js';

export interface InterruptedRun {
  jigId: string;
  slot: number;
  /** the device's serial, if HELLO got that far */
  deviceSerial?: string;
}

/** A jig that drops its line this often during one device's run is faulty, not unplugged. */
export const MAX_RESUMES_PER_RUN = 5;

/**
 * Runs that stopped because their jig's line went away (cable pulled, jig power-cycled). They
 * are not failures: nothing about the device is wrong, and failing them would spoil a
 * certificate the device may already hold. When the port comes back the run starts again from
 * HELLO, and the provisioning path makes that safe: the device answers a CSR for the SAME key,
 * issuance returns the certificate already issued for that device and key without signing or
 * counting again (system.md §4), a device that got as far as LOCK is recognised by READ_BACK,
 * and the issuance record is the same row, so no quota is lost and no record is duplicated.
 *
 * Memory only: after a station restart the operator scans the jig again, with the same outcome.
 */
@Injectable()
export class InterruptedSlots implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(InterruptedSlots.name);
  private readonly parked = new Map<string, InterruptedRun>();
  private readonly resumes = new Map<string, number>();
  private off: (() => void) | undefined;
  private runs = 0;

  constructor(
    private readonly jigs: JigManager,
    @Inject(PROVISIONING_QUEUE_PORT) private readonly queue: ProvisioningQueue,
    private readonly board: SlotBoard,
  ) {}

  onModuleInit(): void {
    this.off = this.jigs.onPortChange((jigId, _port, state) => {
      if (state === 'present') void this.resume(jigId).catch((err) => this.log.error(`resuming jig ${jigId}: ${(err as Error).message}`));
    });
  }

  onModuleDestroy(): void {
    this.off?.();
  }

  /**
   * Parks an interrupted run until its port is back; false when the slot has been interrupted
   * too often in a row (the caller then fails it as any other fault).
   */
  async park(run: InterruptedRun): Promise<boolean> {
    const key = `${run.jigId}/${run.slot}`;
    const count = (this.resumes.get(key) ?? 0) + 1;
    if (count > MAX_RESUMES_PER_RUN) {
      this.resumes.delete(key);
      return false;
    }
    this.resumes.set(key, count);
    this.parked.set(key, run);
    // The port may have come back while this run was still failing: its event is already past.
    if (this.jigs.isSlotReachable(run.jigId, run.slot)) await this.resume(run.jigId);
    return true;
  }

  /** The run finished one way or another: its interruptions no longer count. */
  settled(jigId: string, slot: number): void {
    this.resumes.delete(`${jigId}/${slot}`);
  }

  isParked(jigId: string, slot: number): boolean {
    return this.parked.has(`${jigId}/${slot}`);
  }

  private async resume(jigId: string): Promise<void> {
    for (const [key, run] of [...this.parked]) {
      if (run.jigId !== jigId || !this.jigs.isSlotReachable(jigId, run.slot)) continue;
      this.parked.delete(key);
      this.board.set(jigId, run.slot, { phase: 'queued' });
      // A fresh run id: the interrupted job is finished, and BullMQ ignores a repeated id.
      const runId = `resume-${Date.now().toString(36)}-${++this.runs}`;
      await this.queue.enqueue({ jigId, slot: run.slot, ...(run.deviceSerial ? { resumeOf: run.deviceSerial } : {}) }, runId);
      this.log.log(`jig ${jigId} slot ${run.slot}: the jig is back, provisioning resumes${run.deviceSerial ? ` for ${run.deviceSerial}` : ''}`);
    }
  }
}
