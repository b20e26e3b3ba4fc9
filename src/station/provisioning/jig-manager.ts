import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { STATION_CONFIG, StationConfig, type JigSettings } from '../../config/station-config.js';
import { JigClient } from '../jigs/jig-client.js';
import { SerialJigTransport } from '../jigs/transport/serial-jig.transport.js';
import type { JigTransport } from '../jigs/transport/jig-transport.port.js';
import { InvalidInputError } from '../../common/domain-error.js';

/** Builds a transport for a configured jig (a port, so tests can hand in in-memory transports). */
export type JigTransportFactory = (jig: JigSettings) => JigTransport;
export const JIG_TRANSPORT_FACTORY = Symbol('JIG_TRANSPORT_FACTORY');
export const serialTransportFactory: JigTransportFactory = (jig) => new SerialJigTransport({ path: jig.path, baudRate: jig.baudRate });

interface OpenJig {
  settings: JigSettings;
  client: JigClient;
  running: number;
  waiters: Array<() => void>;
}

/** Owns the link to every configured jig and limits how many of its slots run at once. */
@Injectable()
export class JigManager implements OnApplicationShutdown {
  private readonly log = new Logger(JigManager.name);
  private readonly jigs = new Map<string, OpenJig>();

  constructor(
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    @Inject(JIG_TRANSPORT_FACTORY) private readonly makeTransport: JigTransportFactory,
  ) {}

  async connect(jig: JigSettings): Promise<JigClient> {
    const known = this.jigs.get(jig.id);
    if (known) return known.client;
    const client = await JigClient.open(this.makeTransport(jig), { baudRate: jig.baudRate });
    this.jigs.set(jig.id, { settings: jig, client, running: 0, waiters: [] });
    this.log.log(`jig ${jig.id} connected on ${jig.path}`);
    return client;
  }

  settings(jigId: string): JigSettings {
    const s = this.config.jigs.find((j) => j.id === jigId);
    if (!s) throw new InvalidInputError(`no jig ${jigId} configured`);
    return s;
  }

  async client(jigId: string): Promise<JigClient> {
    return this.connect(this.settings(jigId));
  }

  /** Run `fn` when fewer than maxParallel slots of this jig are busy (per-jig concurrency). */
  async withSlot<T>(jigId: string, fn: (client: JigClient) => Promise<T>): Promise<T> {
    const client = await this.client(jigId);
    const jig = this.jigs.get(jigId)!;
    while (jig.running >= jig.settings.maxParallel) await new Promise<void>((r) => jig.waiters.push(r));
    jig.running++;
    try {
      return await fn(client);
    } finally {
      jig.running--;
      jig.waiters.shift()?.();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.jigs.values()].map((j) => j.client.close().catch(() => undefined)));
    this.jigs.clear();
  }
}
