import * as z from 'zod';
import { today } from '../reporting/calendar.js';
import { RUNWAY_BASIS_DAYS, readBalance } from '../reporting/balance.js';
import { spanOf } from '../reporting/span.js';
import { READ_ONLY_ANNOTATIONS, droppedLines, droppedOutput, formatCount, strictInput } from './fields.js';
import { spanLine, spanOutput } from './span-fields.js';
import { defineTool, scanOptionsFor } from './tool.js';

const outputSchema = z.object({
  amount: z.number().describe('The TL balance.'),
  sms: z.number().int().describe('The SMS credit, in messages.'),
  averageDailyMessages: z.number().describe(`Messages submitted per day over the basis: their total divided by ${RUNWAY_BASIS_DAYS}.`),
  runwayDays: z
    .number()
    .nullable()
    .describe(
      'sms / averageDailyMessages: days the SMS credit lasts at that rate, at one credit per message; a long message, or one ' +
        'with Turkish characters, may use more than one credit, so the credit may run out sooner. Null when nothing was sent, ' +
        'or for an account on TL credit.',
    ),
  basis: z
    .object({ start: z.string(), end: z.string() })
    .describe(`The ${RUNWAY_BASIS_DAYS} full days before today (Istanbul), YYYY-MM-DD, both included.`),
  span: spanOutput('orders submitted in the basis'),
  dropped: droppedOutput,
});

type BalanceResult = z.infer<typeof outputSchema>;

const tl = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** The API's note: an account on TL credit shows its balance in amount, one on SMS credit in sms. */
function unitLine(result: BalanceResult): string {
  if (result.sms > 0 && result.amount > 0) return 'Both fields carry a balance; iletiMerkezi accounts usually run on one of them.';
  if (result.sms > 0) return 'The account runs on SMS credit (iletiMerkezi shows an SMS-credit account\'s balance in sms).';
  if (result.amount > 0) return 'The account runs on TL credit (iletiMerkezi shows a TL-credit account\'s balance in amount).';
  return 'No credit is left, in SMS or in TL: top up in the panel before the next send.';
}

function runwayLine(result: BalanceResult): string {
  const basis = `${result.basis.start}..${result.basis.end}`;
  const rate = `${oneDecimal.format(result.averageDailyMessages)} messages a day over ${basis}`;
  if (result.averageDailyMessages === 0) return `No messages were submitted over ${basis}, so there is no runway figure.`;
  if (result.runwayDays === null) {
    return `At ${rate}, a runway in days would need the price per message, which get-balance does not give, so none is computed for TL credit.`;
  }
  return (
    `At ${rate}, the SMS credit lasts about ${oneDecimal.format(result.runwayDays)} days, counting one credit a message. ` +
    'A long message, or one with Turkish characters (ç, ğ, ı, ö, ş, ü), may use more than one credit, so the credit may run out sooner.'
  );
}

export const readBalanceTool = defineTool({
  name: 'read_balance',
  group: 'account',
  title: 'Read the account balance',
  useFor: 'for the credit left and how long it lasts',
  deadlineAdvice: 'Try again later: the runway reads the orders of the last 30 days.',
  description:
    'The account\'s credit: the SMS credit and the TL balance, which of the two the account runs on, and a runway: how ' +
    `many days the SMS credit lasts at the average daily volume of the last ${RUNWAY_BASIS_DAYS} full days, at one credit a ` +
    'message (a long or Turkish-character message may use more). Use it for ' +
    '"how much credit is left?" or "will our credit last the campaign?". It costs no credit and changes nothing.',
  inputSchema: strictInput({}),
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  async handler(_params, context) {
    const readAt = context.clock();
    const { coverage, ...report } = await readBalance(context.api, today(context.clock), scanOptionsFor(context));
    return { ...report, span: spanOf(report.basis, coverage, readAt) };
  },
  render: (result) =>
    [
      `Balance: ${formatCount(result.sms)} SMS credits; ${tl.format(result.amount)} TL.`,
      unitLine(result),
      runwayLine(result),
      spanLine(result.basis, result.span, 'orders'),
      ...droppedLines(result.dropped),
    ].join('\n'),
});
