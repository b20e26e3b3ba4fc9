import type { Provider } from '@nestjs/common';
import { CentralSessionService } from './central-session.service.js';
import { CentralUserDirectory } from './central-user-directory.js';
import { CentralUserEvents } from './central-user-events.js';
import { CentralAuthService } from './central-auth.service.js';
import { CentralAuthController } from './central-auth.controller.js';
import { BearerGuard } from './bearer.guard.js';

/** Console users, sessions, their events, and the guard every role-bearing route passes. */
export const CENTRAL_AUTH_PROVIDERS: Provider[] = [CentralSessionService, CentralUserDirectory, CentralUserEvents, CentralAuthService, BearerGuard];
export const CENTRAL_AUTH_CONTROLLERS = [CentralAuthController];
