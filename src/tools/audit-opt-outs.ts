import * as z from 'zod';
import { timestampToIso, toTimestamp, today } from '../reporting/calendar.js';
import { type DayRange, requireRange } from '../reporting/date-range.js';
import { type AuditedOptOut, DEFAULT_SCHEDULE_LEAD_DAYS, MAX_SENDS_LISTED, type OptOutAudit, auditOptOuts } from '../reporting/opt-out-audit.js';
import { type Span, spanOf } from '../reporting/span.js';
import { MAX_CLEAR_OPT_OUT_WORDS, MAX_TEXT_CHARS } from '../reporting/text.js';
import { type ServedPage, SnapshotStore, resumeQuery } from './cursors.js';
import {
  READ_ONLY_ANNOTATIONS,
  UNTRUSTED_NOTICE,
  continuationLines,
  counted,
  cursorField,
  droppedLines,
  droppedOutput,
  fitsBudget,
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
  NARROWER_RANGE_ADVICE,
} from './fields.js';
import { blacklistReadField, blacklistReadOutput, reusedBlacklistLines } from './blacklist-fields.js';
import { inboxCountLines } from './inbox-counts.js';
import { notCheckedField, notCheckedLines, notCheckedOutput } from './not-checked.js';
import { type Ranked, ranked, serveRankedPage } from './ranked-listing.js';
import { spanLine, spanOutput } from './span-fields.js';
import { defineTool, scanOptionsFor } from './tool.js';

const NAME = 'audit_opt_outs';

/** Problems named in the verdict lines; the rest are in the items. */
const MAX_VERDICT_NUMBERS = 20;
/** The furthest ahead a caller may say the account schedules orders; past a year, audit a more recent range. */
const MAX_SCHEDULE_HORIZON_DAYS = 366;
/** A range shorter than this says little about opt-outs, which come a few a week: the text points to a rolling week. */
const SHORT_RANGE_DAYS = 3;

const inputSchema = strictInput({
  ...rangeFields,
  checkSends: z
    .boolean({ error: 'checkSends must be true or false' })
    // No schema default: a cursor alone must not be read as asking checkSends anew.
    .optional()
    .describe(
      'Also check whether any order went out to an opted-out number after it opted out (default true). It scans the orders ' +
        `submitted from scheduleHorizonDays (by default ${DEFAULT_SCHEDULE_LEAD_DAYS}) days before the earliest opt-out to today, and reads ` +
        'the recipients of those sent after it.',
    ),
  scheduleHorizonDays: z
    .number({ error: `scheduleHorizonDays must be a whole number of days from 0 to ${MAX_SCHEDULE_HORIZON_DAYS}` })
    .int({ error: `scheduleHorizonDays must be a whole number of days from 0 to ${MAX_SCHEDULE_HORIZON_DAYS}` })
    .min(0, { error: `scheduleHorizonDays must be a whole number of days from 0 to ${MAX_SCHEDULE_HORIZON_DAYS}` })
    .max(MAX_SCHEDULE_HORIZON_DAYS, { error: `scheduleHorizonDays must be a whole number of days from 0 to ${MAX_SCHEDULE_HORIZON_DAYS}` })
    .optional()
    .describe(
      'The furthest ahead, in days, that this account schedules its orders (0: it never schedules), only as the user states ' +
        'it. The API lists orders by the day they were submitted and sets no limit on scheduling, so without it the audit ' +
        `scans the orders submitted from ${DEFAULT_SCHEDULE_LEAD_DAYS} days before the earliest opt-out and reports any earlier ` +
        'order scheduled to go out after an opt-out as not checked (scheduleGap, complete: false). With it, the scan starts ' +
        'that many days before the earliest opt-out and covers every order that could have.',
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
  verdict: z
    .enum(['clean', 'action_needed', 'review_needed', 'partial', 'nothing_to_audit'])
    .describe(
      'clean: every checkable opt-out is blacklisted and none was messaged afterwards; action_needed: see the problems; ' +
        'review_needed: every clear opt-out is handled, but possible opt-outs (possibleOptOuts.toReview) need a person to read them; ' +
        'partial: the inbox came back incomplete, later sends were not checked, some orders that could have reached an ' +
        'opt-out were not listed (scheduleGap), or some could not be read yet (notChecked); nothing_to_audit: no opt-out, clear or ' +
        'possible, was received in the range, so nothing was checked (this is not clean).',
    ),
  span: spanOutput('inbox messages received, opt-outs or not'),
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
  ordersChecked: z.number().int().describe('Orders whose recipients were read: those sent after the earliest opt-out, but for notChecked.'),
  notChecked: notCheckedOutput,
  scheduledLater: z.number().int().describe('Orders scheduled after an opt-out that have not gone out yet, so were not checked.'),
  sendsChecked: z.boolean().describe('Whether later sends were checked (checkSends).'),
  sendsScanned: rangeOutput
    .nullable()
    .describe('The submission days whose orders were listed for later sends; null when no later send was checked.'),
  scheduleGap: z
    .object({
      submittedBefore: z.string().describe('Orders submitted before this day (YYYY-MM-DD) were not listed.'),
      reason: z
        .enum(['horizon_unknown', 'range_limit'])
        .describe(
          'horizon_unknown: no scheduleHorizonDays was given, and the API sets no limit on how far ahead an order may be ' +
            'scheduled; range_limit: reaching that far back would pass ILETIMERKEZI_MAX_RANGE_DAYS.',
        ),
    })
    .nullable()
    .describe(
      'The orders the later-sends check could not see: any submitted before submittedBefore and scheduled to go out after ' +
        'an opt-out. Null when the scan covered every order that could have, or when later sends were not checked.',
    ),
  complete: z
    .boolean()
    .describe(
      'False when the inbox came back incomplete, when checkSends was false, when some orders that could have reached an ' +
        'opt-out were not listed (scheduleGap), or when some could not be read yet (notChecked): then the audit is partial.',
    ),
  blacklistRead: blacklistReadOutput.nullable().describe('The blacklist reading the audit checked against; null when there was no opt-out to check.'),
  inbox: z.object({
    totalRows: z.number().int(),
    fetched: z.number().int(),
    complete: z.boolean(),
    inRange: z.number().int().describe('Inbox messages received in the range, opt-outs or not: what the audit looked at.'),
  }),
  items: z.array(itemOutput).describe('At most limit opted-out numbers: problems first, then newest opt-out first.'),
  ...pagingOutput('opted-out numbers'),
  dropped: droppedOutput,
});

type Audit = z.infer<typeof outputSchema>;
type Item = Audit['items'][number];

type RankedOptOut = Ranked<AuditedOptOut>;

/** What an audit keeps for its cursors: its figures, with the span as it was when the inbox was read. */
type Meta = Omit<OptOutAudit, 'items' | 'coverage'> & { span: Span };

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
      `${counted(audit.optOuts, 'number')} opted out (RET), among ${counted(audit.inbox.inRange, 'message')} received.` +
      (possible.count > 0
        ? ` Apart from these, ${counted(possible.count, 'number')} sent only a possible opt-out (RET inside a longer text), checked the same way and counted apart for review.`
        : ''),
    spanLine(range, audit.span, 'inbox messages'),
  ];
  lines.push(
    ...inboxCountLines(audit.inbox, {
      missing: 'this audit covers only the messages it returned: opt-outs among the missing ones were not checked',
      surplus: 'this audit covers every message it returned, but cannot tell whether any is missing',
    }),
  );
  if (audit.verdict !== 'nothing_to_audit') lines.push(...findingLines(audit));
  lines.push(verdictLine(audit));
  if (audit.span.days < SHORT_RANGE_DAYS) {
    lines.push(
      `This range has only ${counted(audit.span.days, 'day')}: for a rolling view of opt-outs, audit period "last_7_days" ` +
        '(today and the 6 days before).',
    );
  }
  lines.push(...droppedLines(audit.dropped));
  const clearItems = audit.items.filter((item) => item.optOutKind === 'clear');
  const possibleItems = audit.items.filter((item) => item.optOutKind === 'possible');
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

function verdictLine(audit: Audit): string {
  switch (audit.verdict) {
    case 'clean':
      return 'Verdict: clean. Every checkable opt-out is on the blacklist and no order reached an opted-out number afterwards.';
    case 'nothing_to_audit':
      return (
        'Verdict: nothing to audit in this range. ' +
        (audit.inbox.inRange === 0
          ? 'No inbox message at all was received in it, '
          : audit.inbox.inRange === 1
            ? 'The one inbox message received in it is not an opt-out (RET), '
            : `None of the ${formatCount(audit.inbox.inRange)} inbox messages received in it is an opt-out (RET), `) +
        'so no opt-out was checked; this is not a clean result, and opt-outs received before the range are not covered.'
      );
    case 'partial':
      return 'Verdict: partial. Act on the problems above; the audit cannot vouch for what it could not check.';
    case 'action_needed':
      return 'Verdict: action needed on the points above.';
    case 'review_needed':
      // A possible opt-out left unblocked or messaged may be a breach: only a person reading it can say, so never "clean".
      return 'Verdict: review needed. Every clear opt-out is handled, but the possible opt-outs above need a person to read them.';
  }
}

/** What the audit found about the blacklist, later sends, scheduled orders, uncheckable senders and possible opt-outs. */
function findingLines(audit: Audit): string[] {
  const lines: string[] = [];
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
      `Later sends: no opted-out number received a message after opting out (${counted(audit.ordersChecked, 'order')} sent after the earliest ` +
        `opt-out were checked${audit.sendsScanned ? `, of those submitted ${audit.sendsScanned.start}..${audit.sendsScanned.end}` : ''}).`,
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
  lines.push(...reusedBlacklistLines(audit.blacklistRead));
  lines.push(...scheduleGapLines(audit.scheduleGap));
  lines.push(...notCheckedLines(audit.notChecked, 'sent after the earliest opt-out'));
  if (audit.scheduledLater > 0) {
    lines.push(
      `${counted(audit.scheduledLater, 'scheduled order has', 'scheduled orders have')} not gone out yet, so ` +
        `${audit.scheduledLater === 1 ? 'it was' : 'they were'} not checked: review ${audit.scheduledLater === 1 ? 'its' : 'their'} recipients before the send time.`,
    );
  }
  if (audit.uncheckable > 0) {
    lines.push(`${counted(audit.uncheckable, 'opt-out')} came from senders that are not phone numbers (short codes or names): listed below, they cannot be checked against the blacklist or the orders.`);
  }
  const possible = audit.possibleOptOuts;
  const toReview = possibleItems.filter((item) => item.blacklisted === false || item.sendCount > 0);
  if (possible.toReview > 0) {
    lines.push(
      `POSSIBLE OPT-OUTS TO REVIEW: ${counted(possible.notBlacklisted, 'number')} not on the blacklist` +
        (audit.sendsChecked ? `, ${counted(possible.messagedAfterOptOut, 'number')} messaged afterwards: ` : ': ') +
        named(toReview, possible.toReview, (item) => `${item.number} (${possibleProblem(item)}, message id ${JSON.stringify(item.messageId)})`) +
        '. Read each message below: if it asks to stop, blacklist the number.',
    );
  }
  return lines;
}

/** The orders the scan could not see, and how to cover them. */
function scheduleGapLines(gap: Audit['scheduleGap']): string[] {
  if (!gap) return [];
  const unchecked = `NOT CHECKED: orders submitted before ${gap.submittedBefore} and scheduled to go out after an opt-out`;
  return [
    gap.reason === 'horizon_unknown'
      ? `${unchecked}: the API sets no limit on how far ahead an order may be scheduled, and the scan went back ` +
        `${DEFAULT_SCHEDULE_LEAD_DAYS} days. If this account never schedules more than N days ahead, pass scheduleHorizonDays: N to check them all.`
      : `${unchecked}: ILETIMERKEZI_MAX_RANGE_DAYS let the scan go back no further. Audit a more recent range to check them.`,
  ];
}

/** The answer for one page of the audit. */
function answerOf(page: ServedPage<RankedOptOut, Meta>): Audit {
  const { meta } = page;
  return {
    range: rangeWithTimezone(meta.range),
    verdict: meta.verdict,
    span: meta.span,
    optOuts: meta.optOuts,
    blacklisted: meta.blacklisted,
    notBlacklisted: meta.notBlacklisted,
    uncheckable: meta.uncheckable,
    messagedAfterOptOut: meta.messagedAfterOptOut,
    possibleOptOuts: meta.possibleOptOuts,
    ordersChecked: meta.ordersChecked,
    notChecked: notCheckedField(meta.notChecked),
    scheduledLater: meta.scheduledLater,
    sendsChecked: meta.checkSends,
    sendsScanned: meta.sendsScanned ? rangeWithTimezone(meta.sendsScanned) : null,
    scheduleGap: meta.scheduleGap,
    complete: meta.complete,
    blacklistRead: meta.blacklistRead ? blacklistReadField(meta.blacklistRead) : null,
    inbox: meta.inbox,
    items: page.items.map(present),
    ...paging(page.nextCursor),
    dropped: meta.dropped,
  };
}

export const auditOptOutsTool = defineTool({
  name: NAME,
  group: 'inbox',
  title: 'Audit opt-outs',
  useFor: 'to prove that opt-outs (RET) were blocked and not messaged afterwards',
  deadlineAdvice: NARROWER_RANGE_ADVICE,
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
    const resumed = await resumeQuery(context.cursors, NAME, cursor, query, (args): DayRange => requireRange(args, context));
    const checkSends = resumed.args.checkSends ?? true;
    const page = await serveRankedPage(NAME, context, { resumed, limit }, async () => {
      const readAt = context.clock();
      const { items, coverage, ...figures } = await auditOptOuts(
        context.api,
        {
          range: resumed.resolved,
          checkSends,
          today: today(context.clock),
          now: toTimestamp(context.clock()),
          maxRangeDays: context.maxRangeDays,
          scheduleHorizonDays: resumed.args.scheduleHorizonDays,
        },
        { ...scanOptionsFor(context), maxReportOrders: context.maxReportOrders, blacklist: context.blacklist },
      );
      return { items: ranked(items), meta: { ...figures, span: spanOf(resumed.resolved, coverage, readAt) } };
    }, fitsBudget(answerOf, render));
    return answerOf(page);
  },
  render,
});
