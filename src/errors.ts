/**
 * The failures a tool call may end in. Each message is a complete, user-facing paragraph: what
 * went wrong and what to do next. None is ever built from a credential, so none can leak one.
 * The server shows the message of any `ToolError` and hides everything else.
 */
export abstract class ToolError extends Error {}

/** The caller's arguments cannot be served; `field` names the argument to fix. */
export class UserInputError extends ToolError {
  override readonly name = 'UserInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`Invalid ${field}: ${message}`);
  }
}

/** The server is not set up to make the call (missing or malformed settings). */
export class ConfigurationError extends ToolError {
  override readonly name = 'ConfigurationError';
}

export type UpstreamFailureKind =
  | 'api-status' // the API answered with a non-success status code
  | 'http-status' // an answer whose HTTP status is a failure, whatever its body
  | 'network' // connection failed, reset or timed out
  | 'invalid-response' // the body was not what the API documents
  | 'too-large' // the body exceeded the size the client reads
  | 'repeating-pages'; // the API served the same page again and again

export interface UpstreamDetails {
  apiCode?: number | undefined;
  httpStatus?: number | undefined;
  attempts?: number | undefined;
}

/** The iletiMerkezi API failed, after any retries that made sense. */
export class UpstreamError extends ToolError {
  override readonly name = 'UpstreamError';
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    readonly details: UpstreamDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The API refused the key and hash: HTTP 401 or status code 401, whichever told. */
export function isAuthFailure(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError && (error.details.apiCode === 401 || error.details.httpStatus === 401);
}

/** The MCP request was cancelled by the client; no further upstream request is started. */
export class CancelledError extends ToolError {
  override readonly name = 'CancelledError';
  constructor() {
    super('The request was cancelled before it finished; no further API calls were made.');
  }
}

/** The call ran past its overall deadline; the message says how far it got. */
export class CallTimeoutError extends ToolError {
  override readonly name = 'CallTimeoutError';
}

/** A system error's code (ECONNRESET, ETIMEDOUT…) from the error or its cause, for logs and messages. */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The call would do more upstream work than a setting allows; the message names the setting and a narrower question. */
export class WorkLimitError extends ToolError {
  override readonly name = 'WorkLimitError';
}
