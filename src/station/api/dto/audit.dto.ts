import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export class AuditHeadDto {
  @ApiProperty() seq: number;
  @ApiProperty() hash: string;
}

export class AuditCheckpointDto {
  @ApiProperty() stationId: string;
  @ApiProperty() seq: number;
  @ApiProperty() hash: string;
  @ApiProperty() time: string;
  @ApiProperty() signature: string;
  @ApiProperty({ type: [String] }) certificates: string[];
}

export class AuditSyncStateDto {
  @ApiProperty() headSeq: number;
  @ApiProperty() ackedSeq: number;
  @ApiProperty({ description: 'records central has not yet acknowledged' }) unsynced: number;
  @ApiProperty({ type: String, nullable: true, description: "time of central's last receipt" }) lastReceiptAt: string | null;
  @ApiProperty({ enum: ['mutual-tls', 'api-token'], description: "how batches reach central online: HTTPS with the station's client certificate, or its API token" }) transport: 'mutual-tls' | 'api-token';
}

export class AuditStateDto {
  @ApiProperty({ type: AuditHeadDto, nullable: true }) head: AuditHeadDto | null;
  @ApiProperty({ type: AuditCheckpointDto, nullable: true }) checkpoint: AuditCheckpointDto | null;
  @ApiProperty({ type: AuditSyncStateDto }) sync: AuditSyncStateDto;
}

export class AuditSyncResultDto {
  @ApiProperty() acked: number;
  @ApiProperty({ type: AuditSyncStateDto }) sync: AuditSyncStateDto;
}

export class CheckpointResultDto {
  @ApiProperty({ type: AuditCheckpointDto, nullable: true }) checkpoint: AuditCheckpointDto | null;
}

export class AuditRecordDto {
  @ApiProperty() seq: number;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
  @ApiProperty() time: string;
  @ApiProperty() kind: string;
  @ApiProperty() actor: string;
  @ApiProperty({ type: String, nullable: true }) orderId: string | null;
  @ApiProperty({ type: String, nullable: true }) deviceSerial: string | null;
  @ApiProperty({ type: String, nullable: true }) fingerprint: string | null;
  @ApiProperty({ enum: ['ok', 'refused', 'failed', 'alarm'] }) outcome: 'ok' | 'refused' | 'failed' | 'alarm';
  @ApiProperty() detail: string;
}

/** Which records go into a signed batch file; by default those central has not acknowledged. */
export class BatchFileRequestDto {
  @ApiPropertyOptional({ description: 'first record (default: the one after the last receipt)' }) @IsOptional() @IsInt() @Min(1) fromSeq?: number;
  @ApiPropertyOptional({ description: 'last record (default: the head, which is the record of this export)' }) @IsOptional() @IsInt() @Min(1) toSeq?: number;
}

/** Central's receipt brought back from an offline import. */
export class ReceiptImportDto {
  @ApiProperty({ description: 'the receipt file as central wrote it (PEM "CMS" block), or its DER in base64' })
  @IsString() @IsNotEmpty() @MaxLength(200_000) receipt: string;
}

export class ReceiptImportResultDto {
  @ApiProperty({ description: 'the last record central acknowledges with this receipt' }) toSeq: number;
  @ApiProperty({ description: 'false when an equal or later receipt was already held (nothing changed)' }) advanced: boolean;
  @ApiProperty({ type: AuditSyncStateDto }) sync: AuditSyncStateDto;
}
