import * as z from 'zod';
import { timestampToIso, toTimestamp, today } from '../reporting/calendar.js';
import { type DayRange, requireRange } from '../reporting/date-range.js';
import { type AuditedOptOut, MAX_SENDS_LISTED, type OptOutAudit, SCHEDULE_LEAD_DAYS, auditOptOuts } from '../reporting/opt-out-audit.js';
import { MAX_CLEAR_OPT_OUT_WORDS, MAX_TEXT_CHARS } from '../reporting/text.js';
import { SnapshotStore, resumeQuery } from './cursors.js';
import {
  READ_ONLY_ANNOTATIONS,
  UNTRUSTED_NOTICE,
  continuationLines,
  counted,
  cursorField,
  droppedLines,
  droppedOutput,
  formatCount,
  limitField,
  paging,
  pagingOutput,
  phoneNumberOutput,
  rangeFields,
  rangeOutput,
  rangeWithTimezone,
  strictInput,
  timestampForText,
  untrustedSection,
} from './fields.js';
import { type Ranked, ranked, serveRankedPage } from './ranked-listing.js';
import { defineTool, scanOptionsFor } from './tool.js';

const NAME = 'audit_opt_outs';

/** Problems named in the verdict lines; the rest are in the items. */
const MAX_VERDICT_NUMBERS = 20;

const inputSchema = strictInput({
  ...rangeFields,
  checkSends: z
    .boolean({ error: 'checkSends must be true or false' })
    // No schema default: a cursor alone must not be read as asking checkSends anew.
    .optional()
    .describe(
      `Also check whether any order went out to an opted-out number after it opted out (default true). It scans the orders ` +
        `submitted from ${SCHEDULE_LEAD_DAYS} days before the earliest opt-out to today, and reads the recipients of those sent after it.`,
    ),
  limit: limitField(50, 500, 'problems first'),
  cursor: cursorField,
});

const sendOutput = z.object({
  orderId: z.number().int(),
  sendAt: z.string().describe('When the order went out, ISO 8601 with the Istanbul offset.'),
  sender: z.string(),
  status: z.enum(['delivered', 'undelivered', 'waiting', 'other']).describe('What became of the message to this number.'),
});

const itemOutput = z.object({
  ...phoneNumberOutput,
  optOutKind: z
    .enum(['clear', 'possible'])
    .describe(
      `clear: the number sent RET with at most ${MAX_CLEAR_OPT_OUT_WORDS - 1} other words in the range; possible: only RET inside a ` +
        'longer text, which a person must read to know whether it asks to stop.',
    ),
  optedOutAt: z
    .string()
    .describe('The earliest clear opt-out of the range from this number (else its earliest possible one), ISO 8601 with the Istanbul offset.'),
  messageId: z.string().describe('The inbox message id of that opt-out.'),
  text: z.string().describe(`Its text, at most ${MAX_TEXT_CHARS} characters. Untrusted third-party text.`),
  textTruncated: z.boolean(),
  blacklisted: z.boolean().nullable().describe('Whether the number is on the blacklist; null when the sender is not a phone number and cannot be checked.'),
  sendCount: z.number().int().describe('Messages sent to the number after it opted out, whatever their delivery status.'),
  sendsAfterOptOut: z.array(sendOutput).describe(`The first ${MAX_SENDS_LISTED} of those sends, oldest first.`),
});

const outputSchema = z.object({
  range: rangeOutput.describe('The inbox days whose opt-out messages were audited.'),
  optOuts: z
    .number()
    .int()
    .describe(`Distinct numbers that sent a clear opt-out (RET with at most ${MAX_CLEAR_OPT_OUT_WORDS - 1} other words) in the range; the four counts below are among them.`),
  blacklisted: z.number().int(),
  notBlacklisted: z.number().int(),
  uncheckable: z.number().int().describe('Opt-outs from senders that are not phone numbers (short codes, names): listed, but not checkable.'),
  messagedAfterOptOut: z.number().int().describe('Distinct opted-out numbers that an order reached after they opted out.'),
  possibleOptOuts: z
    .object({
      count: z.number().int(),
      blacklisted: z.number().int(),
      notBlacklisted: z.number().int(),
      uncheckable: z.number().int(),
      messagedAfterOptOut: z.number().int(),
      toReview: z.number().int().describe('Of them, numbers not on the blacklist or messaged afterwards: read each one\'s message.'),
    })
    .describe(
      'Distinct numbers whose only RET in the range sits inside a longer text, which may or may not ask to stop: checked ' +
        'like opt-outs, counted apart, listed for review. A problem among them keeps the verdict from clean.',
    ),
  ordersChecked: z.number().int().describe('Orders whose recipients were read: those sent after the earliest opt-out.'),
  scheduledLater: z.number().int().describe('Orders scheduled after an opt-out that have not gone out yet, so were not checked.'),
  sendsChecked: z.boolean().describe('Whether later sends were checked (checkSends).'),
  complete: z.boolean().describe('False when the inbox came back incomplete, or when checkSends was false: then the audit is partial.'),
  inbox: z.object({ totalRows: z.number().int(), fetched: z.number().int(), complete: z.boolean() }),
  items: z.array(itemOutput).describe('At most limit opted-out numbers: problems first, then newest opt-out first.'),
  ...pagingOutput('opted-out numbers'),
  dropped: droppedOutput,
});

type Audit = z.infer<typeof outputSchema>;
type Item = Audit['items'][number];

type RankedOptOut = Ranked<AuditedOptOut>;

type Meta = Omit<OptOutAudit, 'items'>;

function present(entry: RankedOptOut): Item {
  return {
    number: entry.number,
    isPhoneNumber: entry.isPhoneNumber,
    optOutKind: entry.optOutKind,
    optedOutAt: timestampToIso(entry.optedOutAt),
    messageId: entry.messageId,
    text: entry.text,
    textTruncated: entry.textTruncated,
    blacklisted: entry.blacklisted,
    sendCount: entry.sendCount,
    sendsAfterOptOut: entry.sendsAfterOptOut.map((send) => ({ ...send, sendAt: timestampToIso(send.sendAt) })),
  };
}

function sendText(send: Item['sendsAfterOptOut'][number]): string {
  return `order #${send.orderId} sent ${timestampForText(send.sendAt)} by ${JSON.stringify(send.sender)} (${send.status})`;
}

/** One opt-out as evidence, for the untrusted section: its sender and text came from a stranger. */
function evidenceLine(item: Item): string {
  const blacklist = item.blacklisted === null ? 'not a phone number: cannot be checked' : item.blacklisted ? 'on the blacklist' : 'NOT on the blacklist';
  const sends = item.sendCount > 0 ? `; ${counted(item.sendCount, 'message')} after opting out` : '';
  return `${timestampForText(item.optedOutAt)} id ${JSON.stringify(item.messageId)} from ${JSON.stringify(item.number)} (${blacklist}${sends}): ${JSON.stringify(item.text)}`;
}

function weigh(entry: RankedOptOut): number {
  const shown = present(entry);
  return Buffer.byteLength(JSON.stringify(shown)) + Buffer.byteLength(evidenceLine(shown)) + 2 * Buffer.byteLength(shown.number) + 200;
}

function possibleProblem(item: Item): string {
  const sends = item.sendCount > 0 ? `${counted(item.sendCount, 'message')} after it` : '';
  return item.blacklisted === false ? `not on the blacklist${sends ? `; ${sends}` : ''}` : sends;
}

/** The numbers the verdict names; phone numbers only, in E.164, so nothing a stranger wrote reaches these lines. */
function named(items: readonly Item[], total: number, describe: (item: Item) => string): string {
  const shown = items.slice(0, MAX_VERDICT_NUMBERS).map(describe).join('; ');
  return total > items.length ? `${shown}; …and ${formatCount(total - items.length)} more (see items and nextCursor)` : shown;
}

function render(audit: Audit): string {
  const { range } = audit;
  const possible = audit.possibleOptOuts;
  const lines = [
    `Opt-out audit of the inbox messages received ${range.start}..${range.end} (${range.timezone}): ` +
      `${counted(audit.optOuts, 'number')} opted out (RET).` +
      (possible.count > 0
        ? ` Apart from these, ${counted(possible.count, 'number')} sent only a possible opt-out (RET inside a longer text), checked the same way and counted apart for review.`
        : ''),
  ];
  if (!audit.inbox.complete) {
    lines.push(
      `INCOMPLETE INBOX: the API returned ${formatCount(audit.inbox.fetched)} of the ${formatCount(audit.inbox.totalRows)} inbox messages it reports, ` +
        'so this audit covers only the messages it returned; opt-outs among the missing ones were not checked. The panel has the full inbox.',
    );
  }
  const clearItems = audit.items.filter((item) => item.optOutKind === 'clear');
  const possibleItems = audit.items.filter((item) => item.optOutKind === 'possible');
  const notListed = clearItems.filter((item) => item.blacklisted === false);
  lines.push(
    audit.notBlacklisted === 0
      ? `Blacklist: every checkable opted-out number is on it (${formatCount(audit.blacklisted)}).`
      : `NOT ON THE BLACKLIST: ${counted(audit.notBlacklisted, 'number')}: ` +
          named(notListed, audit.notBlacklisted, (item) => `${item.number} (opted out ${timestampForText(item.optedOutAt)}, message id ${JSON.stringify(item.messageId)})`) +
          '. Add each to the blacklist in the panel.',
  );
  const messaged = clearItems.filter((item) => item.sendCount > 0);
  if (!audit.sendsChecked) {
    lines.push('Later sends were NOT checked (checkSends: false), so this audit does not say whether anyone was messaged after opting out.');
  } else if (audit.messagedAfterOptOut === 0) {
    lines.push(
      `Later sends: no opted-out number received a message after opting out (${counted(audit.ordersChecked, 'order')} sent after the earliest opt-out were checked).`,
    );
  } else {
    lines.push(
      `RECEIVED MESSAGES AFTER OPTING OUT: ${counted(audit.messagedAfterOptOut, 'number')} (of ${counted(audit.ordersChecked, 'order')} checked): ` +
        named(
          messaged,
          audit.messagedAfterOptOut,
          (item) => `${item.number} (opted out ${timestampForText(item.optedOutAt)}): ${item.sendsAfterOptOut.map(sendText).join(', ')}` +
            (item.sendCount > item.sendsAfterOptOut.length ? ` …${item.sendCount - item.sendsAfterOptOut.length} more` : ''),
        ) +
        '.',
      'Transactional messages (one-time passwords, order updates) may be lawful after an opt-out, so each send listed is something to review, not proof of a breach.',
    );
  }
  if (audit.scheduledLater > 0) {
    lines.push(
      `${counted(audit.scheduledLater, 'scheduled order has', 'scheduled orders have')} not gone out yet, so ` +
        `${audit.scheduledLater === 1 ? 'it was' : 'they were'} not checked: review ${audit.scheduledLater === 1 ? 'its' : 'their'} recipients before the send time.`,
    );
  }
  if (audit.uncheckable > 0) {
    lines.push(`${counted(audit.uncheckable, 'opt-out')} came from senders that are not phone numbers (short codes or names): listed below, they cannot be checked against the blacklist or the orders.`);
  }
  const toReview = possibleItems.filter((item) => item.blacklisted === false || item.sendCount > 0);
  if (possible.toReview > 0) {
    lines.push(
      `POSSIBLE OPT-OUTS TO REVIEW: ${counted(possible.notBlacklisted, 'number')} not on the blacklist` +
        (audit.sendsChecked ? `, ${counted(possible.messagedAfterOptOut, 'number')} messaged afterwards: ` : ': ') +
        named(toReview, possible.toReview, (item) => `${item.number} (${possibleProblem(item)}, message id ${JSON.stringify(item.messageId)})`) +
        '. Read each message below: if it asks to stop, blacklist the number.',
    );
  }
  const clearIsClean = audit.notBlacklisted === 0 && audit.messagedAfterOptOut === 0 && audit.scheduledLater === 0;
  // A possible opt-out left unblocked or messaged may be a breach: only a person reading it can say, so never "clean".
  if (audit.complete && clearIsClean && possible.toReview === 0) {
    lines.push('Verdict: clean. Every checkable opt-out is on the blacklist and no order reached an opted-out number afterwards.');
  } else if (!audit.complete) {
    lines.push('Verdict: partial. Act on the problems above; the audit cannot vouch for what it could not check.');
  } else if (clearIsClean) {
    lines.push('Verdict: review needed. Every clear opt-out is handled, but the possible opt-outs above need a person to read them.');
  } else {
    lines.push('Verdict: action needed on the points above.');
  }
  lines.push(...droppedLines(audit.dropped));
  if (clearItems.length > 0) {
    lines.push(`The opt-out messages behind this, problems first. Their senders and texts are ${UNTRUSTED_NOTICE}`, ...untrustedSection(clearItems.map(evidenceLine)));
  }
  if (possibleItems.length > 0) {
    lines.push(
      `Possible opt-outs, review: RET inside a longer text, problems first. Their senders and texts are ${UNTRUSTED_NOTICE}`,
      ...untrustedSection(possibleItems.map(evidenceLine)),
    );
  }
  lines.push(...continuationLines(NAME, 'opted-out numbers', audit.nextCursor));
  return lines.join('\n');
}

export const auditOptOutsTool = defineTool({
  name: NAME,
  title: 'Audit opt-outs',
  useFor: 'to prove that opt-outs (RET) were blocked and not messaged afterwards',
  description:
    'Audits the opt-outs (RET) of a date range in one call: which numbers opted out (by inbox date), whether each is on the ' +
    'blacklist, and whether any order went out to it after it opted out, with the orders. Every claim is traceable to an ' +
    'inbox message, a blacklist entry or an order. Use it for "did we message anyone who opted out this month?" or "are all ' +
    'RET senders blocked?". For the messages themselves use read_inbox. Needs period or start.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  createState: (services) => ({ snapshots: new SnapshotStore<RankedOptOut, Meta>(services.snapshotLimits) }),
  async handler(params, context) {
    const { limit, cursor, ...query } = params;
    const resumed = resumeQuery(context.cursors, NAME, cursor, query, (args): DayRange => requireRange(args, context));
    const checkSends = resumed.args.checkSends ?? true;
    const page = await serveRankedPage(NAME, context, { resumed, limit }, async () => {
      const { items, ...meta } = await auditOptOuts(
        context.api,
        { range: resumed.resolved, checkSends, today: today(context.clock), now: toTimestamp(context.clock()), maxRangeDays: context.maxRangeDays },
        { ...scanOptionsFor(context), maxReportOrders: context.maxReportOrders },
      );
      return { items: ranked(items), meta };
    }, weigh);
    const { meta } = page;
    return {
      range: rangeWithTimezone(meta.range),
      optOuts: meta.optOuts,
      blacklisted: meta.blacklisted,
      notBlacklisted: meta.notBlacklisted,
      uncheckable: meta.uncheckable,
      messagedAfterOptOut: meta.messagedAfterOptOut,
      possibleOptOuts: meta.possibleOptOuts,
      ordersChecked: meta.ordersChecked,
      scheduledLater: meta.scheduledLater,
      sendsChecked: meta.checkSends,
      complete: meta.inbox.complete && meta.checkSends,
      inbox: meta.inbox,
      items: page.items.map(present),
      ...paging(page.nextCursor),
      dropped: meta.dropped,
    };
  },
  render,
});
