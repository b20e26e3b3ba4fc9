import type { FactoryProvider } from '@nestjs/common';
import { HSM_PORT, type HsmPort } from './hsm.port.js';
import { Pkcs11Hsm } from './pkcs11-hsm.adapter.js';
import type { HsmSettings } from '../config/common-config.js';

/** The HSM port bound to the PKCS#11 token named by config; closed when the app stops. */
export function hsmProvider(configToken: symbol): FactoryProvider<HsmPort> {
  return {
    provide: HSM_PORT,
    inject: [configToken],
    useFactory: (config: { hsm: HsmSettings }) => Pkcs11Hsm.open(config.hsm),
  };
}
