import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AlarmDto {
  @ApiProperty() id: number;
  @ApiProperty() kind: string;
  @ApiProperty({ type: String, nullable: true }) orderId: string | null;
  @ApiProperty() detail: string;
  @ApiProperty() raisedAt: string;
  @ApiProperty({ type: String, nullable: true }) clearedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) clearedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) clearNote: string | null;
}

export class AlarmsDto {
  @ApiProperty({ description: 'issuance is locked while any alarm is open' }) locked: boolean;
  @ApiProperty({ type: [AlarmDto] }) alarms: AlarmDto[];
}

export class ReconciledDto {
  @ApiProperty() before: number;
  @ApiProperty() after: number;
}

export class ClearedAlarmDto extends AlarmDto {
  @ApiPropertyOptional({ type: ReconciledDto }) reconciled?: ReconciledDto;
}
