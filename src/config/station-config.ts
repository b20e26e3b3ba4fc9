import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { HsmSettings, HttpSettings, ProductSettings, RedisSettings } from './common-config.js';

export class JigSettings {
  @Matches(/^[A-Za-z0-9_-]{1,32}$/) id: string;
  /** serial port path; stable names (/dev/serial/by-path/...) keep slot numbers across reboots */
  @IsString() @IsNotEmpty() path: string;
  @IsInt() @Min(1200) @Max(4_000_000) baudRate: number = 115200;
  /** product model built on this jig (a key of products) */
  @IsString() @IsNotEmpty() product: string;
  @IsInt() @Min(1) @Max(64) maxParallel: number = 4;
}

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
  @IsArray() @ValidateNested({ each: true }) @Type(() => JigSettings) jigs: JigSettings[] = [];
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
  const models = new Set(c.products.map((p) => p.model));
  const ids = new Set<string>();
  c.jigs.forEach((j, i) => {
    if (!models.has(j.product)) problems.push(`jigs[${i}].product: unknown product "${j.product}"`);
    if (ids.has(j.id)) problems.push(`jigs[${i}].id: duplicate jig id "${j.id}"`);
    ids.add(j.id);
  });
  const tokenNames = new Set<string>();
  c.apiTokens.forEach((t, i) => {
    if (tokenNames.has(t.name) || (t.name === 'supervisor' && c.supervisorToken)) problems.push(`apiTokens[${i}].name: duplicate token name "${t.name}"`);
    tokenNames.add(t.name);
  });
  return problems;
}
