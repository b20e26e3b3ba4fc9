import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { PROVISIONING_QUEUE, type ProvisionJob, type ProvisioningQueue } from './provisioning.queue.js';

/**
 * BullMQ adapter. Deterministic job ids (jig, slot, run) make a repeated enqueue of the same run
 * a no-op; retries back off exponentially; policy refusals end the job through UnrecoverableError
 * in the processor, so they are never retried.
 */
@Injectable()
export class BullmqProvisioningQueue implements ProvisioningQueue {
  constructor(
    @InjectQueue(PROVISIONING_QUEUE) private readonly queue: Queue<ProvisionJob>,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
  ) {}

  async enqueue(job: ProvisionJob, runId: string): Promise<boolean> {
    const jobId = `${job.jigId}.${job.slot}.${runId}`;
    const added = await this.queue.add('provision', job, {
      jobId,
      attempts: this.config.provisioningAttempts,
      backoff: { type: 'exponential', delay: 300 },
      removeOnComplete: { count: 10_000 },
      removeOnFail: { count: 10_000 },
    });
    return added.id === jobId;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
