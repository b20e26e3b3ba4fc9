import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsNotEmpty, IsString, Matches, ValidateNested } from 'class-validator';
import { HsmSettings, HttpSettings } from './common-config.js';

export class StationCredential {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId: string;
  @IsString() @IsNotEmpty() apiToken: string;
}

export class BrandSettings {
  @IsString() @IsNotEmpty() organization: string;
  @IsString() @IsNotEmpty() rootCommonName: string;
}

export class CentralConfig {
  @IsString() @IsNotEmpty() databasePath: string;
  @ValidateNested() @Type(() => HttpSettings) http: HttpSettings;
  @ValidateNested() @Type(() => HsmSettings) hsm: HsmSettings;
  @ValidateNested() @Type(() => BrandSettings) brand: BrandSettings;
  /** the brand owner's API token (orders, revocation) */
  @IsString() @IsNotEmpty() adminToken: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => StationCredential) stations: StationCredential[] = [];
}

export const CENTRAL_CONFIG = Symbol('CENTRAL_CONFIG');
