import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiDefaultResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../station/api/dto/api-error.dto.js';
import { BearerGuard, Roles, type CentralRequest } from '../auth/bearer.guard.js';
import { CentralUserEvents } from '../auth/central-user-events.js';
import { RevocationService } from '../enrollment/revocation.service.js';
import { ConsoleOverviewService } from './console-overview.service.js';
import { ConsoleAnomaliesService } from './console-anomalies.service.js';
import { ChainStatusReader } from './chain-status.reader.js';
import { DeviceDetailService } from './device-detail.service.js';
import {
  ActivityDto, ActivityQueryDto, AnomalyDto, ConsoleOverviewDto, ConsoleRevokeDeviceDto, ConsoleRevokeOrderDto, DeviceDetailDto,
  OrderParam, RevocationResultDto, SerialParam, StationParam, StationRecordsDto, StationRecordsQueryDto, UserEventDto,
} from './console.dto.js';

const who = (req: CentralRequest) => req.principal!.name;
const from = (req: { socket?: { remoteAddress?: string } }) => req.socket?.remoteAddress ?? 'unknown';

/**
 * The brand owner's console (central-ui): read routes for the brand owner and the auditor, the
 * revocations for the brand owner alone. The guard refuses an auditor's revocation with 403
 * whatever the page shows.
 */
@ApiTags('console')
@ApiDefaultResponse({ type: ApiErrorDto, description: 'an error: status, code and message' })
@Controller('api/console')
@UseGuards(BearerGuard)
export class ConsoleController {
  constructor(
    private readonly overviewService: ConsoleOverviewService,
    private readonly anomaliesService: ConsoleAnomaliesService,
    private readonly chains: ChainStatusReader,
    private readonly devices: DeviceDetailService,
    private readonly revocation: RevocationService,
    private readonly events: CentralUserEvents,
  ) {}

  @Get('overview')
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: ConsoleOverviewDto })
  overview(): Promise<ConsoleOverviewDto> {
    return this.overviewService.overview();
  }

  @Get('activity')
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: ActivityDto })
  activity(@Query() q: ActivityQueryDto): Promise<ActivityDto> {
    return this.overviewService.activityOf(q);
  }

  @Get('anomalies')
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: [AnomalyDto] })
  anomalies(): Promise<AnomalyDto[]> {
    return this.anomaliesService.list();
  }

  @Get('devices/:serial')
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: DeviceDetailDto })
  device(@Param() p: SerialParam): Promise<DeviceDetailDto> {
    return this.devices.detail(p.serial);
  }

  @Get('stations/:stationId/records')
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: StationRecordsDto })
  async stationRecords(@Param() p: StationParam, @Query() q: StationRecordsQueryDto): Promise<StationRecordsDto> {
    return {
      stationId: p.stationId,
      chain: await this.chains.status(p.stationId),
      records: await this.anomaliesService.stationRecords(p.stationId, q.around),
      refusals: await this.chains.refusals(p.stationId),
    };
  }

  @Get('sign-ins')
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: [UserEventDto] })
  signIns(): Promise<UserEventDto[]> {
    return this.events.latest();
  }

  @Post('devices/:serial/revoke')
  @HttpCode(200)
  @Roles('brand-owner')
  @ApiBody({ type: ConsoleRevokeDeviceDto })
  @ApiOkResponse({ type: RevocationResultDto })
  async revokeDevice(@Param() p: SerialParam, @Body() dto: ConsoleRevokeDeviceDto, @Req() req: CentralRequest & { socket?: { remoteAddress?: string } }): Promise<RevocationResultDto> {
    const r = await this.revocation.revokeDevice(p.serial, dto.reason ?? 0, dto.orderId);
    await this.events.record({ userName: who(req), kind: 'revoke-device', address: from(req), detail: `device ${p.serial} of order ${r.orderId} revoked (reason ${r.reason}); ${r.certificatesRevoked} certificate(s) revoked` });
    return r;
  }

  @Post('orders/:orderId/revoke')
  @HttpCode(200)
  @Roles('brand-owner')
  @ApiBody({ type: ConsoleRevokeOrderDto })
  @ApiOkResponse({ type: RevocationResultDto })
  async revokeOrder(@Param() p: OrderParam, @Body() dto: ConsoleRevokeOrderDto, @Req() req: CentralRequest & { socket?: { remoteAddress?: string } }): Promise<RevocationResultDto> {
    const r = await this.revocation.revokeOrder(p.orderId, dto.reason ?? 0);
    await this.events.record({ userName: who(req), kind: 'revoke-order', address: from(req), detail: `order ${p.orderId} revoked (reason ${r.reason}); ${r.certificatesRevoked} certificate(s) revoked` });
    return r;
  }
}
