import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CENTRAL_CONFIG, type CentralConfig } from '../config/central-config.js';
import { openSqlite } from '../common/sqlite-database.js';
import { hsmProvider } from '../hsm/hsm.provider.js';
import { HSM_PORT, type HsmPort } from '../hsm/hsm.port.js';
import { CENTRAL_ENTITIES } from './database/entities.js';
import { CENTRAL_MIGRATIONS } from './database/migrations.js';
import { CentralPkiService } from './ca/central-pki.service.js';
import { OrdersService } from './orders/orders.service.js';
import { OrdersController } from './orders/orders.controller.js';
import { StationsController } from './stations/stations.controller.js';
import { AuditIngestController } from './audit-ingest/audit-ingest.controller.js';
import { AuditIngestService } from './audit-ingest/audit-ingest.service.js';
import { WriteSerializer } from '../common/write-serializer.js';
import { BearerGuard } from './auth/bearer.guard.js';
import { HealthController } from '../common/health.controller.js';

@Module({})
export class CentralModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly pki: CentralPkiService,
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
  ) {}

  static forConfig(config: CentralConfig): DynamicModule {
    return {
      module: CentralModule,
      controllers: [OrdersController, StationsController, AuditIngestController, HealthController],
      providers: [
        { provide: CENTRAL_CONFIG, useValue: config },
        { provide: DataSource, useFactory: () => openSqlite(config.databasePath, CENTRAL_ENTITIES, CENTRAL_MIGRATIONS) },
        hsmProvider(CENTRAL_CONFIG),
        CentralPkiService,
        OrdersService,
        AuditIngestService,
        WriteSerializer,
        BearerGuard,
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.pki.bootstrap();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ds.destroy().catch(() => undefined);
    this.hsm.close();
  }
}
