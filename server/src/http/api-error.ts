import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody } from '@pb/shared';
import type { Logger } from '@pb/shared/node';

export type ErrorDetail = { path: string; message: string };

/** An error the API answers with its own status and the SPEC's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) => new ApiError(400, 'invalid_request', message, details);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);

/** Errors from Redis being away become 503: the API never accepts what it cannot keep. */
function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|Redis is unavailable/i.test(error.message)
  );
}

/** The one error middleware: every failure leaves as the SPEC's error body, never a bare 500 page. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else if (isBodyParserError(error)) {
      apiError = bodyParserError(error);
    } else if (isRedisUnavailable(error)) {
      apiError = new ApiError(503, 'unavailable', 'The board’s data store is unreachable; nothing was accepted. Try again shortly.', undefined, { 'Retry-After': '5' });
    } else {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unexpected error');
      apiError = new ApiError(500, 'internal', 'Something went wrong on the server; it has been logged.');
    }
    if (apiError.headers) res.set(apiError.headers);
    const body: ApiErrorBody = { error: { code: apiError.code, message: apiError.message, ...(apiError.details ? { details: apiError.details } : {}) } };
    res.status(apiError.status).json(body);
  };
}

interface BodyParserError extends Error {
  type: string;
  status: number;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return error instanceof Error && typeof (error as BodyParserError).type === 'string' && typeof (error as BodyParserError).status === 'number';
}

function bodyParserError(error: BodyParserError): ApiError {
  switch (error.type) {
    case 'entity.too.large':
      return new ApiError(413, 'too_large', `The body is larger than the limit of ${error.limit ?? 'the server’s'} bytes.`);
    case 'entity.parse.failed':
      return badRequest(`The body is not valid JSON: ${error.message}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', error.message);
    default:
      return new ApiError(error.status >= 400 && error.status < 500 ? error.status : 400, 'invalid_request', error.message);
  }
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`No such endpoint: ${req.method} ${req.path}`));
};
