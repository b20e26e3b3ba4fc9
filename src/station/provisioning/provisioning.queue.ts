/** The queue port: provisioning work carried by Redis (the database stays the record of truth). */
export interface ProvisionJob {
  jigId: string;
  slot: number;
  /** A resumed run: the serial of the device that was in the slot when its jig went away, if known. */
  resumeOf?: string;
}

export interface ProvisioningQueue {
  /** Queue one device run; a slot already queued or running is not queued twice. */
  enqueue(job: ProvisionJob, runId: string): Promise<boolean>;
  close(): Promise<void>;
}

export const PROVISIONING_QUEUE = 'provisioning';
export const PROVISIONING_QUEUE_PORT = Symbol('PROVISIONING_QUEUE_PORT');
