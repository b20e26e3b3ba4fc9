import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HsmSettings, HttpSettings, ProductSettings, RedisSettings } from './common-config.js';
import { loadJigConfiguration, type JigDefinition } from './jig-config.js';
import { validateConfig } from './validate-config.js';
import { ConfigError } from '../common/domain-error.js';

/** A bearer token for line automation and scripts, with the role it acts in (docs/ui.md). */
export class ApiTokenSettings {
  @Matches(/^[a-z][a-z0-9._-]{1,31}$/) name: string;
  @IsIn(['operator', 'supervisor']) role: 'operator' | 'supervisor';
  /** at least 128 bits of randomness, e.g. `openssl rand -hex 16` */
  @IsString() @MinLength(16) token: string;
}

export class CentralSettings {
  @Matches(/^https?:\/\/[^\s]+$/) url: string;
  @IsString() @IsNotEmpty() apiToken: string;
  /**
   * Central's HTTPS listener: when set, audit batches go there over mutual TLS with the
   * station's client certificate (key `station-tls` in the HSM, certificate from the Management
   * CA); the station then runs with OpenSSL's PKCS#11 engine (docs/decisions/0008).
   */
  @IsOptional() @Matches(/^https:\/\/[^\s]+$/) tlsUrl?: string;
  /** OpenSSL's PKCS#11 engine (Debian: libengine-pkcs11-openssl), used when tlsUrl is set */
  @IsString() @IsNotEmpty() engineModulePath: string = '/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so';
}

export class StationConfig {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId: string;
  @IsString() @IsNotEmpty() databasePath: string;
  @ValidateNested() @Type(() => HttpSettings) http: HttpSettings;
  @ValidateNested() @Type(() => RedisSettings) redis: RedisSettings;
  @ValidateNested() @Type(() => HsmSettings) hsm: HsmSettings;
  @ValidateNested() @Type(() => CentralSettings) central: CentralSettings;
  /** PEM of the brand root CA, installed out of band: grants and Order CAs must chain to it */
  @IsString() @IsNotEmpty() trustAnchorPath: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ProductSettings) products: ProductSettings[];
  /** the jig configuration file (src/config/jig-config.ts); relative to this file's folder. None: no jigs. */
  @IsOptional() @IsString() @IsNotEmpty() jigConfigPath?: string;
  /** Read from jigConfigPath at start, not a setting of this file (no decorator: refused if given). */
  jigs: JigDefinition[];
  /** queue name prefix, so several stations (or tests) can share one Redis */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/) queuePrefix?: string;
  @IsInt() @Min(1) @Max(20) provisioningAttempts: number = 5;
  /** the HSM's quota high-water mark is raised this many certificates at a time (1 = every certificate) */
  @IsInt() @Min(1) @Max(1024) hsmCounterBlock: number = 16;
  /** how often audit records are sent to central (a BullMQ job scheduler) */
  @IsInt() @Min(200) @Max(3_600_000) auditSyncIntervalMs: number = 5_000;
  /** an automation token acting as a supervisor (named "supervisor" in the audit log); see also apiTokens */
  @IsOptional() @IsString() @IsNotEmpty() supervisorToken?: string;
  /** bearer tokens for automation, each with its role; people sign in with a user name and password */
  @IsArray() @ValidateNested({ each: true }) @Type(() => ApiTokenSettings) apiTokens: ApiTokenSettings[] = [];
  /** a browser session ends after this many minutes without a request… */
  @IsInt() @Min(1) @Max(24 * 60) sessionIdleMinutes: number = 30;
  /** …and at the latest this many hours after sign-in (one shift) */
  @IsInt() @Min(1) @Max(72) sessionMaxHours: number = 12;
}

export const STATION_CONFIG = Symbol('STATION_CONFIG');

/** Cross-field checks class-validator cannot express. */
export function checkStationConfig(c: StationConfig): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  c.products.forEach((p, i) => {
    if (seen.has(p.model)) problems.push(`products[${i}].model: duplicate product "${p.model}"`);
    seen.add(p.model);
  });
  const tokenNames = new Set<string>();
  c.apiTokens.forEach((t, i) => {
    if (tokenNames.has(t.name) || (t.name === 'supervisor' && c.supervisorToken)) problems.push(`apiTokens[${i}].name: duplicate token name "${t.name}"`);
    tokenNames.add(t.name);
  });
  return problems;
}

/**
 * The station's settings and its jigs, validated: a bad setting or a mistake in the jig file
 * stops the start with its place (setting path, or file and line).
 */
export function loadStationConfig(path: string): { config: StationConfig; warnings: string[] } {
  const raw = readRaw(path);
  if (raw && typeof raw === 'object' && 'jigs' in raw) {
    throw new ConfigError(`${path}: "jigs" is no longer a station setting: list the jigs in a jig configuration file and name it in "jigConfigPath" (docs/operations/configuration.md)`);
  }
  const config = validateConfig(StationConfig, raw, path);
  const problems = checkStationConfig(config);
  if (problems.length) throw new ConfigError(`${path} is invalid:\n  ${problems.join('\n  ')}`);
  const jigs = config.jigConfigPath
    ? loadJigConfiguration(resolve(dirname(path), config.jigConfigPath), config.products.map((p) => p.model))
    : { jigs: [], warnings: [`${path}: no jigConfigPath: this station has no jigs`] };
  config.jigs = jigs.jigs;
  return { config, warnings: jigs.warnings };
}

function readRaw(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
}
