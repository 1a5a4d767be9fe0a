import { auditOptOutsTool } from './audit-opt-outs.js';
import { checkBlacklistTool } from './check-blacklist.js';
import { deliveryReportPrompt } from './delivery-report-prompt.js';
import { optOutAuditPrompt } from './opt-out-audit-prompt.js';
import type { Prompt } from './prompt.js';
import { listFailedNumbersTool } from './list-failed-numbers.js';
import { listOrdersTool } from './list-orders.js';
import { listRecipientsTool } from './list-recipients.js';
import { readBalanceTool } from './read-balance.js';
import { readInboxTool } from './read-inbox.js';
import { summarizeDeliveryTool } from './summarize-delivery.js';
import { traceNumberTool } from './trace-number.js';
import type { Tool } from './tool.js';

/** Every tool the server offers, in the order tools/list shows them. A new tool is one line here. */
export const TOOLS: readonly Tool[] = [
  summarizeDeliveryTool,
  listOrdersTool,
  listRecipientsTool,
  listFailedNumbersTool,
  readInboxTool,
  auditOptOutsTool,
  traceNumberTool,
  checkBlacklistTool,
  readBalanceTool,
];

/** Every prompt the server offers, in the order prompts/list shows them. A new prompt is one line here. */
export const PROMPTS: readonly Prompt[] = [deliveryReportPrompt, optOutAuditPrompt];
