import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { DomainError } from '../../common/domain-error.js';
import { IssuanceService } from '../issuance/issuance.service.js';
import { ProvisionDeviceService, type ProvisionOutcome } from './provision-device.service.js';
import { PROVISIONING_QUEUE, type ProvisionJob } from './provisioning.queue.js';
import { RefusalLog } from './refusal-log.js';
import { SlotBoard } from './slot-board.js';
import { LineMetrics } from './line-metrics.js';
import { MAX_IN_FLIGHT_ISSUANCES } from '../quota/quota-guard.js';
import { JigDisconnectedError } from '../jigs/jig.errors.js';
import { InterruptedSlots, type InterruptedRun } from './interrupted-slots.js';

/**
 * Runs provisioning jobs. A policy refusal (non-retryable domain error) ends the job at once;
 * a jig whose line went away parks the run until the jig is back (interrupted-slots.ts), without
 * using a try; anything else is retried with backoff, and on the last failed try the slot is
 * marked failed and a certificate that was signed but never confirmed on the device is counted
 * as spoiled.
 */
@Processor(PROVISIONING_QUEUE, { concurrency: MAX_IN_FLIGHT_ISSUANCES })
export class ProvisioningProcessor extends WorkerHost {
  private readonly log = new Logger(ProvisioningProcessor.name);

  constructor(
    private readonly provisioner: ProvisionDeviceService,
    private readonly board: SlotBoard,
    private readonly refusals: RefusalLog,
    private readonly issuance: IssuanceService,
    private readonly metrics: LineMetrics,
    private readonly interrupted: InterruptedSlots,
  ) {
    super();
  }

  async process(job: Job<ProvisionJob>): Promise<ProvisionOutcome | InterruptedRun> {
    const { jigId, slot } = job.data;
    this.board.set(jigId, slot, { attempts: job.attemptsMade + 1 });
    try {
      const outcome = await this.provisioner.provision(jigId, slot);
      this.metrics.recordSuccess(outcome);
      this.interrupted.settled(jigId, slot);
      await this.replacedDevice(job.data, outcome.deviceSerial);
      return outcome;
    } catch (err) {
      const domain = err instanceof DomainError ? err : null;
      const code = domain?.code ?? 'INTERNAL';
      const message = err instanceof Error ? err.message : String(err);
      const serial = this.board.get(jigId, slot)?.deviceSerial ?? null;
      if (err instanceof JigDisconnectedError) {
        const deviceSerial = serial ?? job.data.resumeOf;
        const run: InterruptedRun = { jigId, slot, ...(deviceSerial ? { deviceSerial } : {}) };
        this.board.set(jigId, slot, { phase: 'interrupted', code, message: `${message} Provisioning resumes by itself when the jig is back.` });
        if (await this.interrupted.park(run)) {
          this.log.warn(`jig ${jigId} slot ${slot} interrupted: ${message}`);
          return run;
        }
      }
      this.interrupted.settled(jigId, slot);
      await this.replacedDevice(job.data, serial);
      if (domain && !domain.retryable) {
        this.board.set(jigId, slot, { phase: 'refused', code, message });
        await this.refusals.record({ deviceSerial: serial, jigId, slot, code, message });
        this.metrics.recordRefusal(code);
        throw new UnrecoverableError(`${code}: ${message}`);
      }
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!last) {
        this.board.set(jigId, slot, { phase: 'retrying', code, message });
        throw err;
      }
      this.board.set(jigId, slot, { phase: 'failed', code, message });
      await this.refusals.record({ deviceSerial: serial, jigId, slot, code, message });
      if (serial) await this.issuance.spoilUnconfirmed(serial);
      this.metrics.recordFailure(code);
      this.log.warn(`jig ${jigId} slot ${slot} failed: ${message}`);
      throw err;
    }
  }

  /**
   * A resumed run found another device in the slot (swapped while the jig was away): the
   * certificate signed for the first device was never confirmed on it and is spoiled, as on
   * any final failure (system.md §4: counted, reported, never reused for another device).
   */
  private async replacedDevice(job: ProvisionJob, serialNow: string | null): Promise<void> {
    if (job.resumeOf && serialNow && serialNow !== job.resumeOf) {
      this.log.warn(`jig ${job.jigId} slot ${job.slot}: ${job.resumeOf} was replaced by ${serialNow} while the jig was away`);
      await this.issuance.spoilUnconfirmed(job.resumeOf);
    }
  }
}
