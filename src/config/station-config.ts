import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
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
  /** supervisor actions (clear alarms, cancel orders) need this token until user accounts exist */
  @IsOptional() @IsString() @IsNotEmpty() supervisorToken?: string;
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
  return problems;
}
