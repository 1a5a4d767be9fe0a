import * as z from 'zod';
import { NOT_A_NUMBER_KINDS, type NotANumberKind, checkBlacklist } from '../reporting/blacklist-check.js';
import { REUSED_MEANING, blacklistReadField, blacklistReadOutput } from './blacklist-fields.js';
import { PHONE_NUMBER_FORMS, READ_ONLY_ANNOTATIONS, counted, formatCount, phoneNumberField, strictInput, timestampForText } from './fields.js';
import { defineTool } from './tool.js';

const NAME = 'check_blacklist';

/** Numbers one call checks: a list a campaign is about to go to, in slices of this size. */
const MAX_NUMBERS = 1_000;
/** Entries that are not phone numbers named in the text; the data lists them all. */
const MAX_NOT_NUMBERS_IN_TEXT = 50;

const inputSchema = strictInput({
  numbers: z
    .array(phoneNumberField('each entry of numbers'), { error: 'numbers must be an array of strings' })
    .min(1, { error: 'numbers must hold at least one number' })
    .max(MAX_NUMBERS, { error: `numbers may hold at most ${formatCount(MAX_NUMBERS)} entries; check a longer list in slices of ${formatCount(MAX_NUMBERS)}` })
    .describe(
      `The numbers to check, at most ${formatCount(MAX_NUMBERS)}, each as people write them: ${PHONE_NUMBER_FORMS}. ` +
        'The same number in two forms counts once; entries that are not phone ' +
        'numbers (short codes such as 7889, digits too few for a number, names) are reported back, not checked.',
    ),
});

const outputSchema = z.object({
  entries: z.number().int().describe('Entries given.'),
  phoneNumbers: z.number().int().describe('Distinct phone numbers among them: the numbers checked.'),
  folded: z
    .number()
    .int()
    .describe('Entries folded into an earlier one: the same phone number again, in any form, or the same other value again.'),
  blocked: z.array(z.string()).describe('The distinct phone numbers on the blacklist, in E.164, in the order first given.'),
  clear: z.number().int().describe('Distinct phone numbers not on the blacklist.'),
  notPhoneNumbers: z
    .object({
      count: z.number().int(),
      entries: z
        .array(
          z.object({
            index: z.number().int().describe('Its place in numbers, from 0 (the first, if given more than once).'),
            value: z.string().describe('The entry as given.'),
            kind: z
              .enum(NOT_A_NUMBER_KINDS)
              .describe('short_code: 3 to 6 digits, the first not 0 (7889); malformed: written like a number, but too few or too many digits; not_a_number: letters or other characters.'),
          }),
        )
        .describe('Each distinct one, in the order given.'),
    })
    .describe('Entries that are not phone numbers, so were not checked: no blacklist entry can match them.'),
  blacklistSize: z.number().int().nullable().describe('Distinct numbers on the blacklist; null when no entry was a phone number, so it was not read.'),
  blacklistRead: blacklistReadOutput.nullable(),
});

type Checked = z.infer<typeof outputSchema>;

const KIND_TEXT: Record<NotANumberKind, string> = {
  short_code: 'a short code',
  malformed: 'not a valid phone number',
  not_a_number: 'not a number',
};

function render(result: Checked): string {
  const folded = result.folded > 0 ? ` (${counted(result.folded, 'entry', 'entries')} folded: the same number again, in any form, or the same value again)` : '';
  const others = result.notPhoneNumbers.count > 0 ? `, and ${counted(result.notPhoneNumbers.count, 'entry that is', 'entries that are')} not a phone number` : '';
  const lines = [`Checked ${counted(result.entries, 'entry', 'entries')}: ${counted(result.phoneNumbers, 'distinct phone number')}${folded}${others}.`];
  if (result.phoneNumbers > 0) {
    lines.push(
      result.blocked.length === 0
        ? 'Blocked: none of them is on the blacklist.'
        : `BLOCKED: ${counted(result.blocked.length, 'number is', 'numbers are')} on the blacklist: ${result.blocked.join(', ')}.`,
      `Clear: ${counted(result.clear, 'number is', 'numbers are')} not on the blacklist.`,
    );
  }
  if (result.blacklistRead && result.blacklistSize !== null) {
    const read = `read ${timestampForText(result.blacklistRead.at)} (Istanbul time)`;
    lines.push(`Blacklist: ${counted(result.blacklistSize, 'number')}, ${result.blacklistRead.reused ? `${read} by an earlier call and reused: ${REUSED_MEANING}` : read}.`);
  }
  const { count, entries } = result.notPhoneNumbers;
  if (count > 0) {
    const shown = entries.slice(0, MAX_NOT_NUMBERS_IN_TEXT).map((entry) => `numbers[${entry.index}] ${JSON.stringify(entry.value)} (${KIND_TEXT[entry.kind]})`);
    const more = count - shown.length;
    lines.push(
      `NOT CHECKED, not phone numbers: ${shown.join(', ')}${more > 0 ? ` …and ${formatCount(more)} more (see notPhoneNumbers)` : ''}. ` +
        'A phone number has 10 digits after the 0 or +90, as in 0532 555 66 77.',
    );
  }
  return lines.join('\n');
}

export const checkBlacklistTool = defineTool({
  name: NAME,
  group: 'recipients',
  title: 'Check numbers against the blacklist',
  useFor: 'to check which numbers of a list are blocked (on the blacklist) before a campaign',
  deadlineAdvice: 'Try again later: the blacklist is read whole for a check, and a whole reading is reused for 5 minutes.',
  description:
    `Which of up to ${formatCount(MAX_NUMBERS)} phone numbers are on the account's blacklist, for "which numbers on this list are ` +
    'blocked?" before a campaign. Numbers may be in any usual form; the same number twice in two forms counts once; entries that ' +
    'are not phone numbers (short codes, names, too few digits) are reported back. It reads the whole blacklist, and reuses a ' +
    'reading of the last 5 minutes. For the story of one number (its orders, opt-out) use trace_number; for whether opt-outs ' +
    'were blocked use audit_opt_outs.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  async handler(params, context) {
    const checked = await checkBlacklist(context.api, params.numbers, context.blacklist, { signal: context.signal, onProgress: context.reportProgress });
    const { blacklist, notPhoneNumbers, ...figures } = checked;
    return {
      ...figures,
      notPhoneNumbers: { count: notPhoneNumbers.length, entries: notPhoneNumbers },
      blacklistSize: blacklist ? blacklist.numbers.size : null,
      blacklistRead: blacklist ? blacklistReadField(blacklist) : null,
    };
  },
  render,
});
