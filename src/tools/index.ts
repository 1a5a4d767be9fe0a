import { listFailedNumbersTool } from './list-failed-numbers.js';
import { listOrdersTool } from './list-orders.js';
import { listRecipientsTool } from './list-recipients.js';
import { readBalanceTool } from './read-balance.js';
import { readInboxTool } from './read-inbox.js';
import { summarizeDeliveryTool } from './summarize-delivery.js';
import type { Tool } from './tool.js';

/** Every tool the server offers, in the order tools/list shows them. A new tool is one line here. */
export const TOOLS: readonly Tool[] = [
  summarizeDeliveryTool,
  listOrdersTool,
  listRecipientsTool,
  listFailedNumbersTool,
  readInboxTool,
  readBalanceTool,
];
