import createClient from 'openapi-fetch';
import type { components, paths } from './station-api';

/** The one typed client every screen uses: paths, bodies and answers come from the station's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '' });

export type Schemas = components['schemas'];
export type Panel = Schemas['PanelDto'];
export type Slot = Schemas['SlotDto'];
export type Order = Schemas['OrderDto'];
export type Principal = Schemas['PrincipalDto'];
export type ApiError = Schemas['ApiErrorDto'];

/** The station's words for an error answer (its message is written for the operator). */
export function errorText(error: ApiError | undefined, response: Response): string {
  if (!error) return `the station answered ${response.status}`;
  const message = Array.isArray(error.message) ? error.message.join('; ') : error.message;
  return error.code ? `${message} (${error.code})` : message;
}

/** The data of a successful answer, or an Error carrying the station's message. */
export async function call<T>(request: Promise<{ data?: T; error?: ApiError; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok || data === undefined) throw new Error(errorText(error, response));
  return data;
}
