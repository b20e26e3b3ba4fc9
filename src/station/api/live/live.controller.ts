import { Controller, Get, Req, Sse, type MessageEvent } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../dto/api-error.dto.js';
import { map, type Observable } from 'rxjs';
import { LiveUpdates } from './live-updates.service.js';
import { PanelService } from '../panel.service.js';
import { SessionService } from '../../auth/session.service.js';
import { PanelDto } from '../dto/panel.dto.js';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';

/** The operator panel's data: one snapshot, or a live stream of server-sent events. */
@ApiTags('live')
@ApiDefaultResponse({ type: ApiErrorDto, description: 'an error: status, code and message' })
@Controller('api')
export class LiveController {
  constructor(
    private readonly live: LiveUpdates,
    private readonly panel: PanelService,
    private readonly sessions: SessionService,
  ) {}

  @Get('panel')
  @ApiOkResponse({ type: PanelDto })
  snapshot(): Promise<PanelDto> {
    return this.panel.panel();
  }

  /**
   * text/event-stream: a `panel` event (PanelDto) first and whenever the summary changes, a
   * `slot` event (SlotDto) for every slot change, a `heartbeat` every 25 s.
   */
  @Sse('live')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'server-sent events: panel (PanelDto), slot (SlotDto), heartbeat' })
  stream(@Req() req: AuthenticatedRequest): Observable<MessageEvent> {
    const token = req.sessionToken;
    const endsAt = req.principal?.expiresAt ? new Date(req.principal.expiresAt) : null;
    return this.live.stream(endsAt, async () => (token ? this.sessions.touch(token) : undefined)).pipe(map((e) => ({ type: e.type, data: e.data })));
  }
}
