/**
 * Error answers as the station and central both send them (their ApiErrorDto), turned into the
 * words a screen shows. Shared by station-ui and central-ui; each names its own server.
 */
export interface ApiErrorBody {
  code?: string;
  message: string | string[];
}

type Answer<T> = Promise<{ data?: T; error?: ApiErrorBody; response: Response }>;

/** `server` as a sentence starts with it: "the station", "central". */
export function apiErrors(server: string) {
  /** The server's words for an error answer (its message is written for the person at the screen). */
  const errorText = (error: ApiErrorBody | undefined, response: Response): string => {
    if (!error) return `${server} answered ${response.status}`;
    const message = Array.isArray(error.message) ? error.message.join('; ') : error.message;
    return error.code ? `${message} (${error.code})` : message;
  };

  /** The data of a successful answer, or an Error carrying the server's message and the HTTP status. */
  const call = async <T>(request: Answer<T>): Promise<T> => {
    const { data, error, response } = await request;
    if (!response.ok || data === undefined) throw Object.assign(new Error(errorText(error, response)), { status: response.status });
    return data;
  };

  return { errorText, call };
}
