import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CENTRAL_CONFIG, type CentralConfig } from '../config/central-config.js';
import { hsmProvider } from '../hsm/hsm.provider.js';
import { HSM_PORT, type HsmPort } from '../hsm/hsm.port.js';
import { signatureVerifierProvider } from '../hsm/hsm-signature-verifier.js';
import { openCentralDatabase } from './database/central-database.js';
import { CentralPkiService } from './ca/central-pki.service.js';
import { OrdersService } from './orders/orders.service.js';
import { OrdersController } from './orders/orders.controller.js';
import { StationsController } from './stations/stations.controller.js';
import { AuditIngestController } from './audit-ingest/audit-ingest.controller.js';
import { AuditIngestService } from './audit-ingest/audit-ingest.service.js';
import { WriteSerializer } from '../common/write-serializer.js';
import { BatchCommitter } from '../common/batch-committer.js';
import { PreparedReads } from '../common/prepared-reads.js';
import { CENTRAL_AUTH_CONTROLLERS, CENTRAL_AUTH_PROVIDERS } from './auth/central-auth.providers.js';
import { CONSOLE_CONTROLLERS, CONSOLE_PROVIDERS } from './ui/console.parts.js';
import { HealthController } from '../common/health.controller.js';
import { CredentialClassifier } from './enrollment/requester-credentials.js';
import { EnrollmentAuthorityService } from './enrollment/enrollment-authority.service.js';
import { ENROLLMENT_AUTHORITY } from './enrollment/enrollment-authority.port.js';
import { CERTIFICATE_STATUS } from './enrollment/certificate-status.port.js';
import { RevocationEvents } from './enrollment/revocation-events.js';
import { RevocationService } from './enrollment/revocation.service.js';
import { EstController } from './enrollment/est/est.controller.js';
import { EnrollmentAdminController } from './enrollment/enrollment-admin.controller.js';
import { VA_CONTROLLERS, VA_PROVIDERS } from './va/va.parts.js';
import { VaService } from './va/va.service.js';
import { CMP_CONTROLLERS, cmpProviders } from './enrollment/cmp/cmp.providers.js';

@Module({})
export class CentralModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly shutdownSteps: Array<() => Promise<void>> = [];

  constructor(
    private readonly pki: CentralPkiService,
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    revocations: RevocationEvents,
    va: VaService,
  ) {
    // a revocation cuts a new CRL at once (after the revocation committed: never inside a write unit)
    revocations.onChange((caName) => void va.invalidate(caName).catch(() => undefined));
  }

  static forConfig(config: CentralConfig): DynamicModule {
    return {
      module: CentralModule,
      controllers: [OrdersController, StationsController, AuditIngestController, HealthController, EstController, EnrollmentAdminController, ...VA_CONTROLLERS, ...CMP_CONTROLLERS, ...CENTRAL_AUTH_CONTROLLERS, ...CONSOLE_CONTROLLERS],
      providers: [
        { provide: CENTRAL_CONFIG, useValue: config },
        { provide: DataSource, useFactory: () => openCentralDatabase(config) },
        hsmProvider(CENTRAL_CONFIG),
        // proofs of possession and CMP protection with EC keys are checked in the HSM
        signatureVerifierProvider,
        CentralPkiService,
        OrdersService,
        AuditIngestService,
        WriteSerializer,
        BatchCommitter,
        PreparedReads,
        ...CENTRAL_AUTH_PROVIDERS,
        ...CONSOLE_PROVIDERS,
        CredentialClassifier,
        EnrollmentAuthorityService,
        { provide: ENROLLMENT_AUTHORITY, useExisting: EnrollmentAuthorityService },
        { provide: CERTIFICATE_STATUS, useExisting: EnrollmentAuthorityService },
        RevocationEvents,
        RevocationService,
        ...VA_PROVIDERS,
        ...cmpProviders('sql'),
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.pki.bootstrap();
  }

  /** Something started beside the Nest app (the HTTPS listener) to stop with it. */
  onShutdown(step: () => Promise<void>): void {
    this.shutdownSteps.push(step);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const step of this.shutdownSteps) await step().catch(() => undefined);
    await this.ds.destroy().catch(() => undefined);
    this.hsm.close();
  }
}
