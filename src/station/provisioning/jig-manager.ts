import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { locateSlot, slotAt, type JigDefinition, type JigPortDefinition } from '../../config/jig-config.js';
import type { KeyAlgorithm } from '../../pki/key-algorithm.js';
import { InvalidInputError } from '../../common/domain-error.js';
import type { DeviceHello, JigClient, StoredCertificates } from '../jigs/jig-client.js';
import { JigDisconnectedError } from '../jigs/jig.errors.js';
import { JigLink, type LinkState } from '../jigs/jig-link.js';
import type { JigLineFactory } from '../jigs/jig-line-drivers.js';
import { USB_LINE_BAUD_EQUIVALENT } from '../jigs/request-timeouts.js';

export const JIG_LINE_FACTORY = Symbol('JIG_LINE_FACTORY');

/** One station slot's device, whichever port and protocol address carry it. */
export interface SlotChannel {
  /** "jig-1 slot 3 (/dev/serial/by-path/..., address 3)" */
  readonly where: string;
  hello(): Promise<DeviceHello>;
  requestCsr(algorithm: KeyAlgorithm): Promise<Uint8Array>;
  inject(certificate: Uint8Array, chain: Uint8Array[]): Promise<void>;
  readBack(): Promise<StoredCertificates>;
  lock(): Promise<void>;
}

export interface JigScan {
  /** station slots that hold a device, on the ports that answered */
  slots: number[];
  /** ports that are not connected (their slots are unknown) */
  absentPorts: string[];
}

export interface PortStatus {
  jigId: string;
  port: string;
  state: LinkState;
  detail?: string;
}

interface ManagedJig {
  definition: JigDefinition;
  links: JigLink[];
  running: number;
  waiters: Array<() => void>;
  /** the run that holds each slot now: a slot carries one device conversation at a time */
  busySlots: Map<number, Promise<void>>;
}

/**
 * Owns the line to every port of every configured jig, maps station slot numbers to (port,
 * protocol address) as the jig configuration says, and limits how many slots of a jig run at
 * once. Lines reopen by themselves after a cable pull (jig-link.ts); listeners hear when a port
 * comes and goes, so interrupted work can resume (interrupted-slots.ts).
 */
@Injectable()
export class JigManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(JigManager.name);
  private readonly jigs = new Map<string, ManagedJig>();
  private readonly listeners = new Set<(jigId: string, portIndex: number, state: LinkState) => void>();

  constructor(
    @Inject(STATION_CONFIG) config: StationConfig,
    @Inject(JIG_LINE_FACTORY) makeLine: JigLineFactory,
  ) {
    for (const definition of config.jigs ?? []) {
      const links = definition.ports.map((port, portIndex) => {
        const link = new JigLink(makeLine(port), {
          client: { baudRate: lineSpeed(port), requestTimeoutMs: definition.requestTimeoutMs, retries: definition.retries },
          log: (line) => this.log.log(`jig ${definition.id}: ${line}`),
        });
        link.onChange((state, detail) => {
          if (state === 'absent' && detail) this.log.warn(`jig ${definition.id} port ${link.description}: ${detail}`);
          for (const listener of [...this.listeners]) listener(definition.id, portIndex, state);
        });
        return link;
      });
      this.jigs.set(definition.id, { definition, links, running: 0, waiters: [], busySlots: new Map() });
    }
  }

  /** Opens every line; a jig that is not plugged in does not stop the station (it is retried). */
  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([...this.jigs.values()].flatMap((jig) => jig.links.map((link) => link.start())));
  }

  settings(jigId: string): JigDefinition {
    return this.jig(jigId).definition;
  }

  onPortChange(listener: (jigId: string, portIndex: number, state: LinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the port carrying this slot is connected now. */
  isSlotReachable(jigId: string, slot: number): boolean {
    const jig = this.jigs.get(jigId);
    const at = jig && locateSlot(jig.definition, slot);
    return at !== undefined && jig!.links[at.portIndex].state === 'present';
  }

  portOf(jigId: string, slot: number): number | undefined {
    const jig = this.jigs.get(jigId);
    return jig ? locateSlot(jig.definition, slot)?.portIndex : undefined;
  }

  ports(): PortStatus[] {
    return [...this.jigs.values()].flatMap((jig) =>
      jig.links.map((link) => ({ jigId: jig.definition.id, port: link.description, state: link.state, ...(link.detail ? { detail: link.detail } : {}) })),
    );
  }

  /** Asks each connected port of the jig which addresses hold a device, as station slots. */
  async scan(jigId: string): Promise<JigScan> {
    const jig = this.jig(jigId);
    const slots: number[] = [];
    const absentPorts: string[] = [];
    for (const [portIndex, link] of jig.links.entries()) {
      await link.settled();
      if (link.state !== 'present') {
        absentPorts.push(link.description);
        continue;
      }
      const info = await link.client().jigInfo();
      for (const address of info.occupiedSlots) {
        const slot = slotAt(jig.definition.ports[portIndex], address);
        if (slot === undefined) this.log.warn(`jig ${jigId} port ${link.description}: a device at address ${address}, which the jig configuration maps to no slot`);
        else slots.push(slot);
      }
    }
    if (absentPorts.length === jig.links.length) {
      throw new JigDisconnectedError(`${jigId} (${absentPorts.join(', ')})`, jig.links[0].detail ?? 'no port of this jig is connected');
    }
    return { slots: slots.sort((a, b) => a - b), absentPorts };
  }

  /**
   * Run `fn` on the slot's device when the slot is free and fewer than maxParallel slots of this
   * jig are busy. Two runs of one slot (a run BullMQ resumes after a restart and a fresh scan of
   * the same slot) take turns: interleaved, one could find the device unlocked at HELLO and then
   * locked by the other at INJECT. In turn, the second finds it locked and checks it instead.
   */
  async withSlot<T>(jigId: string, slot: number, fn: (device: SlotChannel) => Promise<T>): Promise<T> {
    const jig = this.jig(jigId);
    const at = locateSlot(jig.definition, slot);
    if (!at) throw new InvalidInputError(`jig ${jigId} has no slot ${slot} in its configuration`);
    const link = jig.links[at.portIndex];
    while (jig.busySlots.has(slot)) await jig.busySlots.get(slot);
    let release!: () => void;
    jig.busySlots.set(slot, new Promise<void>((r) => (release = r)));
    try {
      while (jig.running >= jig.definition.maxParallel) await new Promise<void>((r) => jig.waiters.push(r));
      jig.running++;
      try {
        await link.settled();
        return await fn(channel(link, jigId, slot, at.address));
      } finally {
        jig.running--;
        jig.waiters.shift()?.();
      }
    } finally {
      jig.busySlots.delete(slot);
      release();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.jigs.values()].flatMap((jig) => jig.links.map((link) => link.stop())));
    this.jigs.clear();
  }

  private jig(jigId: string): ManagedJig {
    const jig = this.jigs.get(jigId);
    if (!jig) throw new InvalidInputError(`no jig ${jigId} configured`);
    return jig;
  }
}

/**
 * The channel keeps to the connection it started on: after a re-plug the old client is gone and
 * the next call fails with JigDisconnectedError, so a run never continues on a re-opened line
 * whose slot may now hold another device; it is resumed from HELLO instead.
 */
function channel(link: JigLink, jigId: string, slot: number, address: number): SlotChannel {
  let first: JigClient | undefined;
  const client = (): JigClient => {
    const now = link.client();
    first ??= now;
    if (now !== first) throw new JigDisconnectedError(link.description, 'the line was re-opened during this run');
    return now;
  };
  return {
    where: `jig ${jigId} slot ${slot} (${link.description}, address ${address})`,
    hello: async () => client().hello(address),
    requestCsr: async (algorithm) => client().requestCsr(address, algorithm),
    inject: async (certificate, chain) => client().inject(address, certificate, chain),
    readBack: async () => client().readBack(address),
    lock: async () => client().lock(address),
  };
}

function lineSpeed(port: JigPortDefinition): number {
  return port.transport === 'serial' ? port.baudRate : USB_LINE_BAUD_EQUIVALENT;
}
