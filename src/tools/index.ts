import { listOrdersTool } from './list-orders.js';
import { readInboxTool } from './read-inbox.js';
import { summarizeDeliveryTool } from './summarize-delivery.js';
import type { ToolDefinition } from './tool.js';

export const TOOLS: readonly ToolDefinition[] = [summarizeDeliveryTool, listOrdersTool, readInboxTool];
