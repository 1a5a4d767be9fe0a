import type * as z from 'zod';
import type { IletimerkeziApi, Order } from '../api/client.js';
import { type Clock, today } from '../reporting/calendar.js';
import type { RangeRules } from '../reporting/date-range.js';
import type { CleanMessage, InboxMeta } from '../reporting/inbox.js';
import type { ProgressUpdate, ScanOptions } from '../reporting/order-scan.js';
import type { OrderListMeta } from '../reporting/order-listing.js';
import type { CursorCodec, SnapshotStore } from '../reporting/paging.js';
import type { FinalWindowCache } from '../reporting/window-cache.js';

/** What lives as long as the server: the shared client, the clock and the listing caches. */
export interface SessionContext extends RangeRules {
  api: IletimerkeziApi;
  clock: Clock;
  cursors: CursorCodec;
  orderSnapshots: SnapshotStore<Order, OrderListMeta>;
  inboxSnapshots: SnapshotStore<CleanMessage, InboxMeta>;
  finalWindows: FinalWindowCache;
}

/** What a handler gets for one call: the session plus this request's cancellation and progress. */
export interface ToolContext extends SessionContext {
  signal: AbortSignal;
  reportProgress: (update: ProgressUpdate) => void;
}

/** How a tool scans orders: with its request's cancellation and progress, and the session's final windows. */
export function scanOptionsFor(context: ToolContext): ScanOptions {
  return {
    signal: context.signal,
    onProgress: context.reportProgress,
    finalWindows: { cache: context.finalWindows, today: today(context.clock) },
  };
}

/**
 * A tool is data plus two nearly pure functions: `handler` answers with structured data, and
 * `render` turns that data into the compact text a model reads. The server wrapper does the rest.
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: Readonly<{ readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean }>;
  handler: (params: z.infer<I>, context: ToolContext) => Promise<z.infer<O>>;
  render: (result: z.infer<O>) => string;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: ToolDefinition<I, O>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}
