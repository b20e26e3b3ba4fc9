import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateNested } from 'class-validator';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../pki/key-algorithm.js';
import { HsmSettings, HttpSettings } from './common-config.js';
import { ALLOCATOR_CHOICES, type AllocatorChoice } from '../common/allocator.js';

export class StationCredential {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId: string;
  @IsString() @IsNotEmpty() apiToken: string;
}

export class BrandSettings {
  @IsString() @IsNotEmpty() organization: string;
  @IsString() @IsNotEmpty() rootCommonName: string;
}

/** The HTTPS listener (EST, and later mutual-TLS audit sync): its key is generated in central's HSM. */
export class TlsSettings {
  @IsString() @IsNotEmpty() host: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) port: number;
  /** names the server certificate carries (SAN IP or DNS); clients check the one they dialled */
  @IsArray() @ArrayNotEmpty() @IsString({ each: true }) serverNames: string[] = ['127.0.0.1', 'localhost'];
  /** OpenSSL's PKCS#11 engine (Debian: libengine-pkcs11-openssl) */
  @IsString() @IsNotEmpty() engineModulePath: string = '/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so';
}

/** Operational certificate profile for one product model (issue: per product, validity configurable). */
export class OperationalProductSettings {
  @Matches(/^[A-Za-z0-9._-]{1,64}$/) model: string;
  @IsInt() @Min(1) @Max(36500) validityDays: number = 365;
  @IsArray() @IsString({ each: true }) extendedKeyUsages: string[] = ['1.3.6.1.5.5.7.3.2'];
}

export class EnrollmentSettings {
  /** base URL relying parties use for CRLs, OCSP and CA certificates (default: the HTTP listener) */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) publicUrl?: string;
  /** default validity of an operational certificate */
  @IsInt() @Min(1) @Max(36500) validityDays: number = 365;
  /**
   * A birth certificate younger than this that central has not yet seen in an audit batch is
   * answered "pending" (EST 202, CMP waiting) instead of "unknown device": its station's batch
   * may still be on its way.
   */
  @IsInt() @Min(0) auditGraceSeconds: number = 600;
  @IsArray() @IsIn(KEY_ALGORITHMS, { each: true }) allowedKeyAlgorithms: KeyAlgorithm[] = ['ec-p256', 'ec-p384', 'ed25519', 'rsa-2048', 'rsa-3072'];
  @IsArray() @ValidateNested({ each: true }) @Type(() => OperationalProductSettings) products: OperationalProductSettings[] = [];
}

export class CentralConfig {
  @IsString() @IsNotEmpty() databasePath: string;
  @ValidateNested() @Type(() => HttpSettings) http: HttpSettings;
  @ValidateNested() @Type(() => HsmSettings) hsm: HsmSettings;
  @ValidateNested() @Type(() => BrandSettings) brand: BrandSettings;
  /** the brand owner's API token (orders, revocation) */
  @IsString() @IsNotEmpty() adminToken: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => StationCredential) stations: StationCredential[] = [];
  /** absent: no HTTPS listener (and so no EST) */
  @IsOptional() @ValidateNested() @Type(() => TlsSettings) tls?: TlsSettings;
  @ValidateNested() @Type(() => EnrollmentSettings) enrollment: EnrollmentSettings = new EnrollmentSettings();
  /** a console session ends after this many minutes without a request… */
  @IsInt() @Min(1) @Max(24 * 60) sessionIdleMinutes: number = 30;
  /** …or this many hours after sign-in, whichever comes first */
  @IsInt() @Min(1) @Max(72) sessionMaxHours: number = 8;
  /** which malloc the serving process runs with (src/common/allocator.ts, decision 0015) */
  @IsIn(ALLOCATOR_CHOICES) allocator: AllocatorChoice = 'auto';
  /**
   * how far V8 lets the old generation grow past what its last full collection kept before the
   * next one (V8's --heap-growing-percent; 0 leaves it to V8): decision 0016
   */
  @IsInt() @Min(0) @Max(300) heapGrowingPercent: number = 200;
}

export const CENTRAL_CONFIG = Symbol('CENTRAL_CONFIG');
