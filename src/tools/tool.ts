import type * as z from 'zod';
import type { IletimerkeziApi } from '../api/client.js';
import type { SharedBlacklist } from '../reporting/blacklist.js';
import { type Clock, today } from '../reporting/calendar.js';
import type { RangeRules } from '../reporting/date-range.js';
import type { ProgressUpdate, ScanOptions } from '../reporting/order-scan.js';
import type { FinalRecipientCache, FinalRecipients } from '../reporting/recipient-cache.js';
import type { FinalWindowCache } from '../reporting/window-cache.js';
import type { Cursors, SnapshotLimits } from './cursors.js';

/** What every tool of one server shares: the client, the clock, and the caches that outlive a call. */
export interface ToolServices extends RangeRules {
  api: IletimerkeziApi;
  clock: Clock;
  cursors: Cursors;
  finalWindows: FinalWindowCache;
  finalRecipients: FinalRecipientCache;
  /** The account's blacklist walks, shared between its calls for 5 minutes. */
  blacklist: SharedBlacklist;
  snapshotLimits: SnapshotLimits;
  /** The most orders whose recipients one call may read (ILETIMERKEZI_MAX_REPORT_ORDERS). */
  maxReportOrders: number;
}

/** One request's cancellation and progress. */
export interface ToolRequest {
  signal: AbortSignal;
  reportProgress: (update: ProgressUpdate) => void;
}

/** What a handler gets for one call: the shared services, its own tool's state, and the request. */
export interface ToolContext<S> extends ToolServices, ToolRequest {
  state: S;
}

/**
 * The groups a toolset may name (ILETIMERKEZI_TOOLS, --tools, X-Iletimerkezi-Tools), in the order
 * messages list them. Each tool names its own group, so a new tool cannot be left out of all of them.
 */
export const TOOL_GROUPS = ['reports', 'recipients', 'inbox', 'account'] as const;
export type ToolGroup = (typeof TOOL_GROUPS)[number];

/** Every hint is required, so no tool can leave its safety undeclared. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

interface ToolMetadata {
  name: string;
  /** The toolset group that serves it. */
  group: ToolGroup;
  title: string;
  description: string;
  /** Completes "Use <name> …" in the server's instructions, e.g. 'for totals ("how many failed")'. */
  useFor: string;
  /** What to ask instead when a call runs past its deadline: each tool has its own ways to ask for less. */
  deadlineAdvice: string;
  annotations: Readonly<ToolAnnotations>;
}

/** A tool without per-server state may leave `createState` out; one with state must declare it. */
type StateFactory<S> = undefined extends S
  ? { createState?: (services: ToolServices) => S }
  : { createState: (services: ToolServices) => S };

/**
 * A tool as its file declares it: data plus two nearly pure functions. `handler` answers with
 * structured data typed by `outputSchema`, from params typed by `inputSchema`, and `render` turns
 * that data into the compact text a model reads. `createState` makes whatever the tool keeps
 * between calls (cursor snapshots, say), once per server. The server wrapper does the rest.
 */
export type ToolDefinition<I extends z.ZodObject, O extends z.ZodObject, S = undefined> = ToolMetadata &
  StateFactory<S> & {
    inputSchema: I;
    outputSchema: O;
    handler: (params: z.infer<I>, context: ToolContext<S>) => Promise<z.infer<O>>;
    render: (result: z.infer<O>) => string;
  };

export interface ToolAnswer {
  data: Record<string, unknown>;
  text: string;
}

/** A tool as the server sees it, whatever its schemas: metadata, and a call bound to one server. */
export interface Tool extends ToolMetadata {
  inputSchema: z.ZodObject;
  outputSchema: z.ZodObject;
  /** Makes the tool's state for one server and returns the call that serves its requests. */
  open(services: ToolServices): (args: Record<string, unknown>, request: ToolRequest) => Promise<ToolAnswer>;
}

/** A tool as the registry holds it, with its definition's own types kept for tests. */
export interface DefinedTool<I extends z.ZodObject, O extends z.ZodObject, S> extends Tool {
  definition: ToolDefinition<I, O, S>;
}

/** Keeps the definition's types for its handler, and gives the server its erased view. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject, S = undefined>(
  definition: ToolDefinition<I, O, S>,
): DefinedTool<I, O, S> {
  const { name, group, title, description, useFor, deadlineAdvice, annotations, inputSchema, outputSchema } = definition;
  return {
    name,
    group,
    title,
    description,
    useFor,
    deadlineAdvice,
    annotations,
    inputSchema,
    outputSchema,
    definition,
    open(services) {
      const create: ((services: ToolServices) => S) | undefined = definition.createState;
      // StateFactory lets createState be absent only when undefined is a valid S.
      const state = create ? create(services) : (undefined as S);
      return async (args, request) => {
        // The server parsed args with this very inputSchema before calling.
        const data = await definition.handler(args as z.infer<I>, { ...services, ...request, state });
        return { data, text: definition.render(data) };
      };
    },
  };
}

/** The account's cache of final orders' recipients, with today deciding what is final. */
export function finalRecipientsFor(context: ToolServices): FinalRecipients {
  return { cache: context.finalRecipients, today: today(context.clock) };
}

/**
 * How a tool scans orders: with its request's cancellation and progress, the server's final
 * windows, and the final orders' recipients for the reads that follow the scan.
 */
export function scanOptionsFor(context: ToolServices & ToolRequest): ScanOptions {
  return {
    signal: context.signal,
    onProgress: context.reportProgress,
    finalWindows: { cache: context.finalWindows, today: today(context.clock) },
    finalRecipients: finalRecipientsFor(context),
  };
}
