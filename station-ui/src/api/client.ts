import createClient from 'openapi-fetch';
import { apiErrors } from '../../../ui-common/api-errors';
import type { components, paths } from './station-api';

/** The one typed client every screen uses: paths, bodies and answers come from the station's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '' });

export type Schemas = components['schemas'];
export type Panel = Schemas['PanelDto'];
export type Slot = Schemas['SlotDto'];
export type Order = Schemas['OrderDto'];
export type Principal = Schemas['PrincipalDto'];
export type ApiError = Schemas['ApiErrorDto'];

/** errorText: the station's words for an error answer; call: the data of a successful answer, or an Error with those words and the HTTP status. */
export const { errorText, call } = apiErrors('the station');
