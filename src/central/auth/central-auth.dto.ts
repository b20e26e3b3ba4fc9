import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class ConsoleLoginDto {
  @ApiProperty({ example: 'bella' }) @Matches(/^[a-z][a-z0-9._-]{1,31}$/, { message: 'name: the user name, lower-case' }) name: string;
  @ApiProperty() @IsString() @MaxLength(256) password: string;
}

export class ConsolePrincipalDto {
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['brand-owner', 'auditor', 'station'], enumName: 'CentralRole' }) role: 'brand-owner' | 'auditor' | 'station';
  @ApiProperty({ enum: ['session', 'token', 'certificate'] }) via: 'session' | 'token' | 'certificate';
  @ApiPropertyOptional() expiresAt?: string;
}

export class ConsoleSignedOutDto {
  @ApiProperty() signedOut: boolean;
}
