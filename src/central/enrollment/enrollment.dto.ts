import { IsIn, IsInt, IsOptional, IsString, Matches } from 'class-validator';

export class RevokeDeviceDto {
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId?: string;
  /** RFC 5280 §5.3.1 CRLReason; default 0 (unspecified) */
  @IsOptional() @IsInt() @IsIn([0, 1, 2, 3, 4, 5, 6, 9, 10]) reason?: number;
}

export class RevokeOrderDto {
  @IsOptional() @IsInt() @IsIn([0, 1, 2, 3, 4, 5, 6, 9, 10]) reason?: number;
}
