import createClient from 'openapi-fetch';
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

/** Central's words for an error answer. */
export function errorText(error: ApiError | undefined, response: Response): string {
  if (!error) return `central answered ${response.status}`;
  const message = Array.isArray(error.message) ? error.message.join('; ') : error.message;
  return error.code ? `${message} (${error.code})` : message;
}

/** The data of a successful answer, or an Error carrying central's message (and its status). */
export async function call<T>(request: Promise<{ data?: T; error?: ApiError; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok || data === undefined) throw Object.assign(new Error(errorText(error, response)), { status: response.status });
  return data;
}
