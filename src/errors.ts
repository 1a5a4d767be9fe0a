/**
 * The small, typed set of failures a tool call can end in. Each one's message is a complete,
 * user-facing paragraph: what went wrong and what to do next. None of them is ever built from a
 * credential, so none of them can leak one.
 */

/** The caller's arguments cannot be served; `field` names the argument to fix. */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`Invalid ${field}: ${message}`);
  }
}

/** The server is not set up to make the call (missing or malformed settings). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export type UpstreamFailureKind =
  | 'api-status' // the API answered with a non-success status code
  | 'http-status' // a non-JSON answer whose HTTP status is a failure
  | 'network' // connection failed, reset or timed out
  | 'invalid-response' // the body was not what the API documents
  | 'too-large' // the body exceeded the size the client reads
  | 'repeating-pages'; // the API served the same page again and again

/** The iletiMerkezi API failed, after any retries that made sense. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    readonly details: { apiCode?: number; httpStatus?: number; attempts?: number } = {},
  ) {
    super(message);
  }
}

/** The MCP request was cancelled by the client; no further upstream request is started. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('The request was cancelled before it finished; no further API calls were made.');
  }
}
