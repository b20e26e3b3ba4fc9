import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BearerGuard, Roles } from '../auth/bearer.guard.js';
import { CentralAlarmEntity, DeviceEnrollmentEntity, EnrollmentEventEntity } from './enrollment.entities.js';
import { RevocationService, type RevocationView } from './revocation.service.js';
import { RevokeDeviceDto, RevokeOrderDto } from './enrollment.dto.js';

/** The brand owner's view of field enrollment: revocation, alarms, decisions. */
@Controller('api')
@UseGuards(BearerGuard)
export class EnrollmentAdminController {
  constructor(
    private readonly revocation: RevocationService,
    private readonly ds: DataSource,
  ) {}

  @Post('devices/:serial/revoke')
  @Roles('brand-owner')
  revokeDevice(@Param('serial') serial: string, @Body() dto: RevokeDeviceDto): Promise<RevocationView> {
    return this.revocation.revokeDevice(serial, dto.reason ?? 0, dto.orderId);
  }

  @Post('orders/:orderId/revoke')
  @Roles('brand-owner')
  revokeOrder(@Param('orderId') orderId: string, @Body() dto: RevokeOrderDto): Promise<RevocationView> {
    return this.revocation.revokeOrder(orderId, dto.reason ?? 0);
  }

  @Get('alarms')
  @Roles('brand-owner')
  alarms(): Promise<CentralAlarmEntity[]> {
    return this.ds.getRepository(CentralAlarmEntity).find({ order: { id: 'DESC' }, take: 500 });
  }

  @Get('enrollments')
  @Roles('brand-owner')
  enrollments(@Query('orderId') orderId?: string): Promise<DeviceEnrollmentEntity[]> {
    return this.ds.getRepository(DeviceEnrollmentEntity).find({ where: orderId ? { orderId } : {}, take: 5000 });
  }

  @Get('enrollment-events')
  @Roles('brand-owner')
  events(@Query('outcome') outcome?: string): Promise<EnrollmentEventEntity[]> {
    return this.ds.getRepository(EnrollmentEventEntity).find({
      where: outcome ? { outcome: outcome as EnrollmentEventEntity['outcome'] } : {},
      order: { id: 'DESC' },
      take: 500,
    });
  }
}
