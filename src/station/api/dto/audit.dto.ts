import { ApiProperty } from '@nestjs/swagger';

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
