/**
 * Station user accounts (docs/ui.md), run on the station host:
 *   npm run station:user -- add NAME --role operator|supervisor [--password-stdin]
 *   npm run station:user -- passwd NAME [--password-stdin]
 *   npm run station:user -- disable NAME | enable NAME
 *   npm run station:user -- list
 * The station's config comes from STATION_CONFIG or --config PATH. Without --password-stdin a
 * password is generated and printed once. Changes enter the audit chain when the station next
 * starts or someone signs in. Exit 0: done; 1: refused; 2: usage.
 */
import 'reflect-metadata';
import { loadConfigFile } from '../../config/validate-config.js';
import { StationConfig } from '../../config/station-config.js';
import { runUserCli } from '../../common/auth/user-cli.js';
import { openStationDatabase } from '../database/data-source.js';
import { UserDirectory } from './user-directory.js';
import { STATION_ROLES } from './roles.js';

runUserCli({
  product: 'station',
  configEnv: 'STATION_CONFIG',
  roles: STATION_ROLES,
  defaultRole: 'operator',
  async openDirectory(configPath) {
    const ds = await openStationDatabase(loadConfigFile(StationConfig, configPath).databasePath);
    return { users: new UserDirectory(ds), close: () => ds.destroy() };
  },
});
