import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { DataSource } from 'typeorm';
import { STATION_CONFIG, StationConfig } from '../config/station-config.js';
import { redact } from '../config/validate-config.js';
import { createHash } from 'node:crypto';
import { hsmProvider } from '../hsm/hsm.provider.js';
import { HSM_PORT, type HsmPort } from '../hsm/hsm.port.js';
import { signatureVerifierProvider } from '../hsm/hsm-signature-verifier.js';
import { HealthController } from '../common/health.controller.js';
import { openStationDatabase } from './database/data-source.js';
import { GroupCommitWriter } from './database/group-commit.js';
import { OrderRegistry } from './orders/order-registry.js';
import { StationOrdersService } from './orders/station-orders.service.js';
import { IssuanceService } from './issuance/issuance.service.js';
import { CENTRAL_CLIENT } from './central-client/central-client.port.js';
import { centralClientFor } from './central-client/central-client.factory.js';
import { SlotBoard } from './provisioning/slot-board.js';
import { JigManager, JIG_LINE_FACTORY } from './provisioning/jig-manager.js';
import { hardwareLineFactory, type JigLineFactory } from './jigs/jig-line-drivers.js';
import { InterruptedSlots } from './provisioning/interrupted-slots.js';
import { ProvisionDeviceService } from './provisioning/provision-device.service.js';
import { ProvisioningProcessor } from './provisioning/provisioning.processor.js';
import { BullmqProvisioningQueue } from './provisioning/bullmq-provisioning.queue.js';
import { PROVISIONING_QUEUE, PROVISIONING_QUEUE_PORT } from './provisioning/provisioning.queue.js';
import { RefusalLog } from './provisioning/refusal-log.js';
import { LineMetrics } from './provisioning/line-metrics.js';
import { StationController } from './api/station.controller.js';
import { StaticUiController } from './api/static-ui.controller.js';
import { SupervisorController } from './api/supervisor.controller.js';
import { AuditLog } from './audit/audit-log.js';
import { CheckpointService } from './audit/checkpoint.service.js';
import { AuditSyncService } from './audit/audit-sync.service.js';
import { AuditSyncProcessor, AUDIT_SYNC_QUEUE } from './audit/audit-sync.processor.js';
import { AuditSyncScheduler } from './audit/audit-sync.scheduler.js';
import { StationAuditBatches } from './audit/station-audit-batches.js';
import { OfflineBatchesService } from './audit/offline-batches.service.js';
import { AuditController } from './api/audit.controller.js';
import { AlarmService } from './quota/alarm.service.js';
import { QuotaGuard } from './quota/quota-guard.js';
import { OrderLifecycle } from './orders/order-lifecycle.js';
import { StationOrderEntity } from './database/entities.js';
import { TRUST_ANCHOR, loadTrustAnchor } from './orders/trust-anchor.js';
import { AUTH_CONTROLLERS, AUTH_PROVIDERS } from './auth/auth.providers.js';
import { LiveController } from './api/live/live.controller.js';
import { LiveUpdates } from './api/live/live-updates.service.js';
import { PanelService } from './api/panel.service.js';

@Module({})
export class StationModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private expiryTimer?: NodeJS.Timeout;

  constructor(
    private readonly registry: OrderRegistry,
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    private readonly alarms: AlarmService,
    private readonly guard: QuotaGuard,
    private readonly lifecycle: OrderLifecycle,
    private readonly issuance: IssuanceService,
    private readonly audit: AuditLog,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    private readonly checkpoints: CheckpointService,
    private readonly auditSchedule: AuditSyncScheduler,
  ) {}

  static forConfig(config: StationConfig, lines: JigLineFactory = hardwareLineFactory): DynamicModule {
    return {
      module: StationModule,
      imports: [
        BullModule.forRoot({
          connection: { host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: null },
          prefix: config.queuePrefix ?? `station-${config.stationId}`,
        }),
        BullModule.registerQueue({ name: PROVISIONING_QUEUE }),
        BullModule.registerQueue({ name: AUDIT_SYNC_QUEUE }),
      ],
      controllers: [StationController, SupervisorController, AuditController, LiveController, ...AUTH_CONTROLLERS, HealthController, StaticUiController],
      providers: [
        { provide: STATION_CONFIG, useValue: config },
        { provide: TRUST_ANCHOR, useFactory: () => loadTrustAnchor(config.trustAnchorPath) },
        { provide: DataSource, useFactory: () => openStationDatabase(config.databasePath) },
        // opened after the DataSource, so the schema is migrated before the hot path writes
        { provide: GroupCommitWriter, inject: [DataSource], useFactory: () => GroupCommitWriter.open(config.databasePath) },
        hsmProvider(STATION_CONFIG),
        // a device CSR's proof of possession is checked in the HSM
        signatureVerifierProvider,
        {
          provide: CENTRAL_CLIENT,
          inject: [DataSource, HSM_PORT, AuditLog, TRUST_ANCHOR],
          useFactory: (ds: DataSource, hsm: HsmPort, audit: AuditLog, anchor: Buffer) => centralClientFor(config, ds, hsm, audit, anchor),
        },
        { provide: JIG_LINE_FACTORY, useValue: lines },
        { provide: PROVISIONING_QUEUE_PORT, useClass: BullmqProvisioningQueue },
        OrderRegistry,
        StationOrdersService,
        IssuanceService,
        SlotBoard,
        JigManager,
        InterruptedSlots,
        ProvisionDeviceService,
        ProvisioningProcessor,
        RefusalLog,
        LineMetrics,
        AuditLog,
        CheckpointService,
        AuditSyncService,
        AuditSyncProcessor,
        AuditSyncScheduler,
        StationAuditBatches,
        OfflineBatchesService,
        AlarmService,
        QuotaGuard,
        OrderLifecycle,
        PanelService,
        LiveUpdates,
        ...AUTH_PROVIDERS,
      ],
    };
  }

  /** Start-up checks before any job runs: interrupted closes, counters against the HSM, expiry. */
  async onApplicationBootstrap(): Promise<void> {
    await this.recordStart();
    await this.alarms.load();
    await this.issuance.voidInterruptedReservations();
    await this.lifecycle.finishInterruptedCloses();
    const open = await this.ds.getRepository(StationOrderEntity).findBy({ status: 'open' });
    await this.guard.checkAtStartup(open);
    await this.registry.load();
    await this.lifecycle.closeExpired();
    this.checkpoints.start();
    await this.auditSchedule.start();
    // the audit certificate is fetched early; without central the station still runs
    void this.checkpoints.credential().catch((err) => Logger.warn(`audit certificate not yet obtained: ${(err as Error).message}`, 'StationModule'));
    this.expiryTimer = setInterval(() => void this.lifecycle.closeExpired().catch(() => undefined), 30_000);
    this.expiryTimer.unref();
  }

  /** Every start is audited with a hash of the (redacted) configuration; a changed one too. */
  private async recordStart(): Promise<void> {
    const hash = createHash('sha256').update(JSON.stringify(redact(this.config))).digest('hex');
    const [last] = await this.ds.query(`SELECT detail FROM audit_record WHERE kind = 'station-started' ORDER BY seq DESC LIMIT 1`);
    if (last && !String(last.detail).includes(hash)) {
      await this.audit.record('config-changed', { actor: 'station', detail: `configuration changed since the last start: now ${hash}` });
    }
    await this.audit.record('station-started', { actor: 'station', detail: `station ${this.config.stationId} started with configuration ${hash}` });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.expiryTimer);
    this.checkpoints.stop();
    await this.checkpoints.checkpointIfReady().catch(() => undefined);
    this.guard.markClean();
    await this.ds.destroy().catch(() => undefined);
    this.hsm.close();
  }
}
