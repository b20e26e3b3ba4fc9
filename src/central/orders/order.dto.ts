import { IsBase64, IsDateString, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class CreateOrderDto {
  @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId: string;
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId: string;
  @Matches(/^[A-Za-z0-9._-]{1,64}$/) productModel: string;
  @IsInt() @Min(1) @Max(100_000_000) quota: number;
  @Matches(/^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/, { message: 'serialFirst must be a PrintableString of 1..64 characters' }) serialFirst: string;
  @Matches(/^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/, { message: 'serialLast must be a PrintableString of 1..64 characters' }) serialLast: string;
  @IsDateString() notBefore: string;
  @IsDateString() notAfter: string;
}

export class OrderCaRequestDto {
  /** base64 DER PKCS#10 of the Order CA key generated in the station's HSM */
  @IsString() @IsNotEmpty() @MaxLength(16384) @IsBase64() csr: string;
}

export interface OrderView {
  orderId: string;
  stationId: string;
  productModel: string;
  quota: number;
  serialFirst: string;
  serialLast: string;
  notBefore: string;
  notAfter: string;
  status: string;
}
