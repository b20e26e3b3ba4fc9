import 'reflect-metadata';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../pki/key-algorithm.js';

export class HsmSettings {
  @IsString() @IsNotEmpty() modulePath: string;
  @IsString() @IsNotEmpty() tokenLabel: string;
  @IsString() @IsNotEmpty() pin: string;
}

export class RedisSettings {
  @IsString() @IsNotEmpty() host: string = '127.0.0.1';
  @IsInt() @Min(1) @Max(65535) port: number;
}

export class HttpSettings {
  @IsString() @IsNotEmpty() host: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) port: number;
}

/** One product model the line builds: its key policy and birth certificate profile. */
export class ProductSettings {
  @IsString() @Matches(/^[A-Za-z0-9._-]{1,64}$/) model: string;
  @IsIn(KEY_ALGORITHMS) keyAlgorithm: KeyAlgorithm = 'ec-p256';
  @Matches(/^\d+(\.\d+)+$/, { message: 'hardwareTypeOid must be a dotted OID' }) hardwareTypeOid: string;
  @IsOptional() @IsString() organization?: string;
  @IsOptional() @IsString() commonNamePrefix?: string;
  @IsOptional() keyAgreement?: boolean;
}

