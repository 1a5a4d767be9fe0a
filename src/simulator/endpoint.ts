import type { Answer } from './http.js';
import type { SimulatedRequest } from './types.js';

/** The `request` object of a call's JSON body, authentication already checked. */
export type RequestBody = Record<string, unknown>;

/** One API method: what the request log keeps of a call, and what the call is answered. */
export interface Endpoint {
  describe(request: RequestBody): Omit<SimulatedRequest, 'endpoint'>;
  answer(request: RequestBody): Answer;
}

/** A field of the request body that must be an object, read as empty when it is not. */
export function objectField(request: RequestBody, name: string): Record<string, unknown> {
  const value = request[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
