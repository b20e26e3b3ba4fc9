import type { Provider } from '@nestjs/common';
import { IngestRefusals } from '../audit-ingest/ingest-refusals.js';
import { ChainStatusReader } from './chain-status.reader.js';
import { ConsoleAnomaliesService } from './console-anomalies.service.js';
import { ConsoleOverviewService } from './console-overview.service.js';
import { DeviceDetailService } from './device-detail.service.js';
import { StationActivityReader } from './station-activity.reader.js';
import { ConsoleController } from './console.controller.js';
import { ConsoleStaticController } from './console-static.controller.js';

/** The brand owner's console: its read models, its API and its static pages. */
export const CONSOLE_PROVIDERS: Provider[] = [IngestRefusals, StationActivityReader, ChainStatusReader, ConsoleAnomaliesService, ConsoleOverviewService, DeviceDetailService];
export const CONSOLE_CONTROLLERS = [ConsoleController, ConsoleStaticController];
