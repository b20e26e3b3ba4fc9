import { ApiProperty } from '@nestjs/swagger';
import { StatusDto } from './status.dto.js';
import { AlarmsDto } from './alarm.dto.js';
import { AuditSyncStateDto } from './audit.dto.js';
import { RefusalDto } from './slot.dto.js';

export class JigDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'the product model this jig builds' }) product: string;
}

/**
 * Everything the operator panel shows, in one object: the first message of the live stream
 * and then every time something but a slot changes (slots arrive one by one as `slot` events).
 */
export class PanelDto {
  @ApiProperty({ type: StatusDto }) status: StatusDto;
  @ApiProperty({ type: [JigDto], description: 'the jigs configured on this station' }) jigs: JigDto[];
  @ApiProperty({ type: AlarmsDto }) alarms: AlarmsDto;
  @ApiProperty({ type: AuditSyncStateDto }) audit: AuditSyncStateDto;
  @ApiProperty({ type: [RefusalDto], description: 'the latest refusals and failures, newest first' }) refusals: RefusalDto[];
  @ApiProperty({ description: 'an order is "running low" when fewer than this share of its quota is left (0..1)' }) lowQuotaShare: number;
}
