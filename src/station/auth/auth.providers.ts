import { APP_GUARD } from '@nestjs/core';
import type { Provider } from '@nestjs/common';
import { ApiTokens } from './api-tokens.js';
import { SessionService } from './session.service.js';
import { UserDirectory } from './user-directory.js';
import { AccountAudit } from './account-audit.js';
import { AuthService } from './auth.service.js';
import { AuthGuard } from './auth.guard.js';
import { AuthController } from './auth.controller.js';

/** Users, sessions, tokens and the guard every route passes (registered globally). */
export const AUTH_PROVIDERS: Provider[] = [ApiTokens, SessionService, UserDirectory, AccountAudit, AuthService, { provide: APP_GUARD, useClass: AuthGuard }];
export const AUTH_CONTROLLERS = [AuthController];
