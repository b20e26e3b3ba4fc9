import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'dana' }) @Matches(/^[a-z][a-z0-9._-]{1,31}$/, { message: 'name: the user name, lower-case' }) name: string;
  @ApiProperty() @IsString() @MaxLength(256) password: string;
}

export class PrincipalDto {
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['operator', 'supervisor'], enumName: 'StationRole' }) role: 'operator' | 'supervisor';
  @ApiProperty({ enum: ['session', 'token'] }) via: 'session' | 'token';
  @ApiPropertyOptional() expiresAt?: string;
}

export class SignedOutDto {
  @ApiProperty() signedOut: boolean;
}
