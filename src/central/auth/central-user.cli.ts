/**
 * Central console accounts (docs/ui.md, "Central"), run on the central host:
 *   npm run central:user -- add NAME --role brand-owner|auditor [--password-stdin]
 *   npm run central:user -- passwd NAME [--password-stdin]
 *   npm run central:user -- disable NAME | enable NAME
 *   npm run central:user -- list
 * The config comes from CENTRAL_CONFIG or --config PATH (and DATABASE_URL, as for central).
 * Without --password-stdin a password is generated and printed once. Every change is a
 * central_user_event. Exit 0: done; 1: refused; 2: usage.
 */
import 'reflect-metadata';
import { loadConfigFile } from '../../config/validate-config.js';
import { CentralConfig } from '../../config/central-config.js';
import { runUserCli } from '../../common/auth/user-cli.js';
import { openCentralDatabase } from '../database/central-database.js';
import { CentralUserDirectory } from './central-user-directory.js';
import { CONSOLE_ROLES } from './central-roles.js';

runUserCli({
  product: 'central',
  configEnv: 'CENTRAL_CONFIG',
  roles: CONSOLE_ROLES,
  async openDirectory(configPath) {
    const ds = await openCentralDatabase(loadConfigFile(CentralConfig, configPath));
    return { users: new CentralUserDirectory(ds), close: () => ds.destroy() };
  },
});
