import type { Client } from '@modelcontextprotocol/client';

/**
 * The questions `npm run demo` asks, one tool call each, every tool at least once. A question
 * names what its call asks for (the period, the order), so the printed label and the call agree;
 * test/demo.test.ts holds them to that. The README's demo figures come from these same calls.
 */

type Arguments = Record<string, unknown>;

interface Step {
  tool: string;
  /** The call's arguments; a function of the earlier answers' structured data when a question follows one. */
  arguments: Arguments | ((earlier: unknown[]) => Arguments);
  question: string | ((args: Arguments) => string);
}

/** The id of the newest order of a list_orders answer. */
function newestOrderId(answer: unknown): number {
  const orders = (answer as { orders?: Array<{ id: number }> } | undefined)?.orders ?? [];
  if (!orders[0]) throw new Error('the demo account has no failed order to drill into');
  return orders[0].id;
}

const STEPS: Step[] = [
  { question: 'How many SMS failed last month?', tool: 'summarize_delivery', arguments: { period: 'last_month' } },
  {
    question: 'Which orders of the last 7 days are still going out?',
    tool: 'list_orders',
    arguments: { period: 'last_7_days', status: 'in_progress', limit: 10 },
  },
  { question: 'Which orders failed in the last 30 days?', tool: 'list_orders', arguments: { period: 'last_30_days', status: 'failed', limit: 3 } },
  {
    question: (args) => `Which numbers failed in order #${String(args.orderId)}, the newest failed one?`,
    tool: 'list_recipients',
    arguments: (earlier) => ({ orderId: newestOrderId(earlier.at(-1)), status: 'undelivered', limit: 10 }),
  },
  {
    question: 'Which campaigns of 100 messages or more had the worst delivery last month?',
    tool: 'list_orders',
    arguments: { period: 'last_month', sort: 'lowest_rate', minMessages: 100, limit: 5 },
  },
  {
    question: 'Which numbers failed at least twice this month?',
    tool: 'list_failed_numbers',
    arguments: { period: 'this_month', minFailures: 2, limit: 10 },
  },
  { question: 'Who opted out this month?', tool: 'read_inbox', arguments: { period: 'this_month', optOutOnly: true } },
  // The last 30 days rather than the calendar month, so the audit has its story on the 1st of a month too.
  { question: 'Did we message anyone who opted out in the last 30 days?', tool: 'audit_opt_outs', arguments: { period: 'last_30_days' } },
  // The customer who opted out and still got a campaign, written as a support agent would type the number.
  {
    question: 'What happened to 0532 555 66 77 in the last 30 days?',
    tool: 'trace_number',
    arguments: { number: '0532 555 66 77', period: 'last_30_days' },
  },
  {
    question: 'Which of these numbers are blocked: 0532 555 66 77, +90 505 200 79 19, 05078889900, 905325556677, 7889?',
    tool: 'check_blacklist',
    arguments: { numbers: ['0532 555 66 77', '+90 505 200 79 19', '05078889900', '905325556677', '7889'] },
  },
  { question: 'How much credit is left, and how long will it last?', tool: 'read_balance', arguments: {} },
];

export interface DemoAnswer {
  question: string;
  tool: string;
  arguments: Arguments;
  /** The answer's text blocks, joined, as the model reads them. */
  text: string;
  isError: boolean;
  milliseconds: number;
}

/** Asks every demo question in turn over a connected client, handing each answer to `onAnswer` as it comes. */
export async function askDemoQuestions(client: Client, onAnswer: (answer: DemoAnswer) => void): Promise<DemoAnswer[]> {
  const structured: unknown[] = [];
  const answers: DemoAnswer[] = [];
  for (const step of STEPS) {
    const args = typeof step.arguments === 'function' ? step.arguments(structured) : step.arguments;
    const question = typeof step.question === 'function' ? step.question(args) : step.question;
    const started = performance.now();
    const result = await client.callTool({ name: step.tool, arguments: args });
    structured.push(result.structuredContent);
    const text = (result.content as Array<{ type: string; text?: string }>).map((block) => block.text ?? '').join('\n');
    const answer = { question, tool: step.tool, arguments: args, text, isError: result.isError === true, milliseconds: performance.now() - started };
    answers.push(answer);
    onAnswer(answer);
  }
  return answers;
}
