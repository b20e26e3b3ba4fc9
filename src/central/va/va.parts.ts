import { VaController } from './va.controller.js';
import { VaService } from './va.service.js';
import { OcspRespondersService } from './ocsp-responders.service.js';
import { CrlPublisherService } from './crl-publisher.service.js';

/**
 * What a module adds to serve the validation authority. It also needs, from central: DataSource,
 * HSM_PORT, CENTRAL_CONFIG, CentralPkiService, WriteSerializer and CERTIFICATE_STATUS (and may
 * give VA_OPTIONS); the entities VA_ENTITIES and the migrations VA_MIGRATIONS.
 */
export const VA_CONTROLLERS = [VaController];
export const VA_PROVIDERS = [VaService, OcspRespondersService, CrlPublisherService];
