import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../station/api/dto/api-error.dto.js';
import { BearerGuard, Roles, type CentralRequest } from './bearer.guard.js';
import { CentralAuthService } from './central-auth.service.js';
import { centralSessionCookie, clearedCentralSessionCookie } from './central-session-cookie.js';
import { ConsoleLoginDto, ConsolePrincipalDto, ConsoleSignedOutDto } from './central-auth.dto.js';

interface HttpResponse {
  setHeader(name: string, value: string): void;
}
type WithSocket = { socket?: { remoteAddress?: string } };
const address = (req: WithSocket) => req.socket?.remoteAddress ?? 'unknown';

/** Sign-in for people on central's console; automation keeps its bearer tokens (docs/ui.md). */
@ApiTags('auth')
@ApiDefaultResponse({ type: ApiErrorDto, description: 'an error: status, code and message' })
@Controller('api/auth')
@UseGuards(BearerGuard)
export class CentralAuthController {
  constructor(private readonly auth: CentralAuthService) {}

  /** Public: the one route a browser without a session may call. */
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: ConsolePrincipalDto })
  async login(@Body() dto: ConsoleLoginDto, @Req() req: WithSocket, @Res({ passthrough: true }) res: HttpResponse): Promise<ConsolePrincipalDto> {
    const { token, principal } = await this.auth.login(dto.name, dto.password, address(req));
    res.setHeader('set-cookie', centralSessionCookie(token));
    res.setHeader('cache-control', 'no-store');
    return principal;
  }

  @Post('logout')
  @HttpCode(200)
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: ConsoleSignedOutDto })
  async logout(@Req() req: CentralRequest & WithSocket, @Res({ passthrough: true }) res: HttpResponse): Promise<ConsoleSignedOutDto> {
    if (req.sessionToken) await this.auth.logout(req.principal!, req.sessionToken, address(req));
    res.setHeader('set-cookie', clearedCentralSessionCookie());
    return { signedOut: true };
  }

  @Get('me')
  @Roles('brand-owner', 'auditor')
  @ApiOkResponse({ type: ConsolePrincipalDto })
  me(@Req() req: CentralRequest): ConsolePrincipalDto {
    const { name, role, via, expiresAt } = req.principal!;
    return { name, role, via, ...(expiresAt ? { expiresAt } : {}) };
  }
}
