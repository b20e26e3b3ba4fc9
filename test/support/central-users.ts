// The demo's helper is the one the tests use: the same command an administrator runs.
export { addCentralUser } from '../../src/demo/station-users.js';
