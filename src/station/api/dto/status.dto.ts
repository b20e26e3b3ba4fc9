import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SlotDto } from './slot.dto.js';

export class OrderDto {
  @ApiProperty() orderId: string;
  @ApiProperty() productModel: string;
  @ApiProperty() quota: number;
  @ApiProperty() issued: number;
  @ApiProperty() left: number;
  @ApiProperty() serialFirst: string;
  @ApiProperty() serialLast: string;
  @ApiProperty() notAfter: string;
  @ApiProperty() status: string;
  @ApiProperty({ type: String, nullable: true }) closedReason: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: 'issuance records by status' })
  byStatus?: Record<string, number>;
}

export class StationTimeDto {
  @ApiProperty({ type: Number, nullable: true }) p50: number | null;
  @ApiProperty({ type: Number, nullable: true }) p99: number | null;
  @ApiProperty() samples: number;
}

/** Counters of the shift: since the station started or a supervisor started a new shift. */
export class ShiftDto {
  @ApiProperty() provisioned: number;
  @ApiProperty() reused: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'refusals by code' }) refused: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'final failures by code' }) failed: Record<string, number>;
  @ApiProperty({ type: StationTimeDto }) stationMsPerDevice: StationTimeDto;
}

export class StatusDto {
  @ApiProperty() stationId: string;
  @ApiProperty({ type: [OrderDto] }) orders: OrderDto[];
  @ApiProperty({ type: [SlotDto] }) slots: SlotDto[];
  @ApiProperty({ type: ShiftDto }) shift: ShiftDto;
}

export class CancelResultDto {
  @ApiProperty() orderId: string;
  @ApiProperty() closed: boolean;
}
