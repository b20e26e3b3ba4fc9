import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const SLOT_PHASES = ['idle', 'queued', 'hello', 'csr', 'issuing', 'injecting', 'verifying', 'locking', 'done', 'retrying', 'interrupted', 'failed', 'refused'] as const;

/** One jig slot as the panel shows it. */
export class SlotDto {
  @ApiProperty() jigId: string;
  @ApiProperty() slot: number;
  @ApiProperty({ enum: SLOT_PHASES, enumName: 'SlotPhase' }) phase: (typeof SLOT_PHASES)[number];
  @ApiPropertyOptional() deviceSerial?: string;
  @ApiPropertyOptional({ description: 'why it failed or was refused' }) message?: string;
  @ApiPropertyOptional() code?: string;
  @ApiPropertyOptional({ description: 'what the operator should do about a failed or refused slot' }) action?: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ description: '0..100' }) progress: number;
  @ApiProperty() updatedAt: string;
}

export class ScanResultDto {
  @ApiProperty() jigId: string;
  @ApiProperty({ type: [Number] }) slots: number[];
  @ApiProperty({ type: [Number] }) queued: number[];
  /** configured ports of this jig whose line is not open (a pulled cable) */
  @ApiProperty({ type: [String] }) absentPorts: string[];
}

export class RefusalDto {
  @ApiProperty({ type: String, nullable: true }) deviceSerial: string | null;
  @ApiProperty() jigId: string;
  @ApiProperty() slot: number;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
  @ApiProperty() action: string;
  @ApiProperty() createdAt: string;
}

export class DeviceDto {
  @ApiProperty() deviceSerial: string;
  @ApiProperty() orderId: string;
  @ApiProperty() status: string;
  @ApiProperty({ type: String, nullable: true }) fingerprint: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'PEM' }) certificate: string | null;
}
