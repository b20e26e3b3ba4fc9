import createClient from 'openapi-fetch';
import { apiErrors } from '../../../ui-common/api-errors';
import type { components, paths } from './central-api';

/** The one typed client every screen uses: paths, bodies and answers come from central's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '' });

export type Schemas = components['schemas'];
export type Principal = Schemas['ConsolePrincipalDto'];
export type Overview = Schemas['ConsoleOverviewDto'];
export type OrderSummary = Schemas['OrderSummaryDto'];
export type StationSummary = Schemas['StationSummaryDto'];
export type Activity = Schemas['ActivityDto'];
export type Anomaly = Schemas['AnomalyDto'];
export type DeviceDetail = Schemas['DeviceDetailDto'];
export type StationRecords = Schemas['StationRecordsDto'];
export type AuditRecord = Schemas['AuditRecordDto'];
export type UserEvent = Schemas['UserEventDto'];
export type ApiError = Schemas['ApiErrorDto'];

/** errorText: central's words for an error answer; call: the data of a successful answer, or an Error with those words and the HTTP status. */
export const { errorText, call } = apiErrors('central');
