/** The queue port: provisioning work carried by Redis (the database stays the record of truth). */
export interface ProvisionJob {
  jigId: string;
  slot: number;
}

export interface ProvisioningQueue {
  /** Queue one device run; a slot already queued or running is not queued twice. */
  enqueue(job: ProvisionJob, runId: string): Promise<boolean>;
  close(): Promise<void>;
}

export const PROVISIONING_QUEUE = 'provisioning';
export const PROVISIONING_QUEUE_PORT = Symbol('PROVISIONING_QUEUE_PORT');
