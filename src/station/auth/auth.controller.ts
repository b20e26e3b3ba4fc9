import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../api/dto/api-error.dto.js';
import { AuthService } from './auth.service.js';
import { PublicRoute, type Principal } from './roles.js';
import { CurrentPrincipal } from './current-principal.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';
import { LoginDto, PrincipalDto, SignedOutDto } from '../api/dto/auth.dto.js';
import type { AuthenticatedRequest } from './auth.guard.js';

interface HttpResponse {
  setHeader(name: string, value: string): void;
}

/** Sign-in for people at the panel; automation uses API tokens instead (docs/ui.md). */
@ApiTags('auth')
@ApiDefaultResponse({ type: ApiErrorDto, description: 'an error: status, code and message' })
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @PublicRoute()
  @HttpCode(200)
  @ApiOkResponse({ type: PrincipalDto })
  async login(@Body() dto: LoginDto, @Req() req: { socket: { remoteAddress?: string } }, @Res({ passthrough: true }) res: HttpResponse): Promise<PrincipalDto> {
    const { token, principal } = await this.auth.login(dto.name, dto.password, { address: req.socket.remoteAddress ?? 'unknown' });
    res.setHeader('set-cookie', sessionCookie(token));
    res.setHeader('cache-control', 'no-store');
    return principal;
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOkResponse({ type: SignedOutDto })
  async logout(@CurrentPrincipal() who: Principal, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<SignedOutDto> {
    if (req.sessionToken) await this.auth.logout(who, req.sessionToken);
    res.setHeader('set-cookie', clearedSessionCookie());
    return { signedOut: true };
  }

  @Get('me')
  @ApiOkResponse({ type: PrincipalDto })
  me(@CurrentPrincipal() who: Principal): PrincipalDto {
    return who;
  }
}
