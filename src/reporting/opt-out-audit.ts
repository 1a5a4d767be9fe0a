import type { IletimerkeziApi, Order, PhoneNumber } from '../api/client.js';
import { digitTail, normalizePhoneNumber } from '../api/phone-number.js';
import { WorkLimitError } from '../errors.js';
import type { Blacklist, SharedBlacklist } from './blacklist.js';
import { type Day, dayOfTimestamp, inclusiveDays, shiftDays } from './calendar.js';
import { progressPhases } from './call-progress.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, droppedBy } from './delivery-summary.js';
import { type CleanMessage, readInbox } from './inbox.js';
import type { OptOutKind } from './text.js';
import { type ScanOptions, scanOrders } from './order-scan.js';
import { type NotCheckedOrder, messageStateOf, readRecipientsOfOrders } from './recipients.js';
import { type Coverage, coverageOf } from './span.js';

/**
 * The opt-out audit: who said RET in a range, whether each is on the blacklist, and whether any
 * order went out to them afterwards. Every claim rests on an inbox message, a blacklist entry or
 * an order, and every number is compared in one form, E.164, whatever endpoint it came from.
 *
 * A possible opt-out (RET inside a longer text) may mean it or not. Compliance errs toward
 * flagging, so it is checked exactly as a clear one is, blacklist and later sends alike, and a
 * problem with it keeps the verdict from "clean"; but it is counted apart and never among the
 * opt-outs, since only a person reading it can tell.
 */

/**
 * Scheduled orders are submitted ahead of their send, and get-reports lists an order under the day
 * it was submitted. The API documents no limit on how far ahead an order may be scheduled, so no
 * lead proves that an order submitted earlier did not go out after an opt-out: unless the caller
 * names the account's scheduling horizon, the scan starts this many days before the earliest
 * opt-out and the audit names the orders before that as not checked. Listing orders is cheap
 * (recipients are read only for orders sent after an opt-out), so the lead is generous.
 */
export const DEFAULT_SCHEDULE_LEAD_DAYS = 30;
/** Sends listed per opted-out number; sendCount counts them all. */
export const MAX_SENDS_LISTED = 20;

/**
 * Orders submitted before `submittedBefore` were not listed, so one of them scheduled to go out
 * after an opt-out was not checked. `horizon_unknown`: no scheduling horizon was named, and the
 * API sets none; `range_limit`: reaching the horizon would pass ILETIMERKEZI_MAX_RANGE_DAYS.
 */
export interface ScheduleGap {
  submittedBefore: Day;
  reason: 'horizon_unknown' | 'range_limit';
}

export interface SendAfterOptOut {
  orderId: number;
  sendAt: string;
  sender: string;
  status: ReturnType<typeof messageStateOf>;
}

export interface AuditedOptOut extends PhoneNumber {
  /** clear when the number sent a clear opt-out in the range, else possible. */
  optOutKind: OptOutKind;
  /** The earliest opt-out of that kind in the range (inbox date, API wall-clock). */
  optedOutAt: string;
  messageId: string;
  /** Cut as the inbox listing cuts it. */
  text: string;
  textTruncated: boolean;
  /** Null when the sender is not a phone number, which no blacklist entry or order can be matched to. */
  blacklisted: boolean | null;
  sendCount: number;
  sendsAfterOptOut: SendAfterOptOut[];
}

/**
 * What the audit found, in one word: `clean` needs something audited, so a range without a
 * single opt-out, clear or possible, is `nothing_to_audit` (whether its inbox was empty or held
 * only other messages: an opt-out received before the range is not this audit's, so "clean"
 * would vouch for what it never looked at); an audit that could not see everything is `partial`;
 * `review_needed` when only possible opt-outs show a problem, for a person to read.
 */
export type AuditVerdict = 'clean' | 'action_needed' | 'review_needed' | 'partial' | 'nothing_to_audit';

/** What the audit found for the numbers of one kind. */
export interface KindFindings {
  /** Distinct numbers. */
  count: number;
  blacklisted: number;
  notBlacklisted: number;
  /** From senders that are not phone numbers (short codes, names): listed, not checked. */
  uncheckable: number;
  messagedAfterOptOut: number;
}

export interface OptOutAudit extends Omit<KindFindings, 'count'> {
  range: DayRange;
  verdict: AuditVerdict;
  /** Numbers that sent a clear opt-out; the fields beside it count among these. */
  optOuts: number;
  /** Numbers whose only opt-outs in the range are possible ones, checked the same way. */
  possibleOptOuts: KindFindings & { toReview: number };
  ordersChecked: number;
  /** Orders sent after the earliest opt-out whose recipients could not be read yet, by id: not in ordersChecked. */
  notChecked: NotCheckedOrder[];
  /** Orders after an opt-out that are scheduled and have not gone out yet: not checked, to review before they go. */
  scheduledLater: number;
  /** The submission days whose orders were scanned for later sends; null when none were. */
  sendsScanned: DayRange | null;
  /** The orders the later-sends scan could not see; null when it saw every order that could have gone out after an opt-out. */
  scheduleGap: ScheduleGap | null;
  /** Whether the audit saw everything it vouches for: the whole inbox, and every order that could have reached an opt-out. */
  complete: boolean;
  /** inRange: the messages received in the range, opt-outs or not: what the audit looked at. */
  inbox: { totalRows: number; fetched: number; complete: boolean; inRange: number };
  /** The days of the range on which any inbox message was received. */
  coverage: Coverage;
  blacklistSize: number;
  /** When the blacklist was read, and whether an earlier call's walk was reused; null when there was no opt-out to check. */
  blacklistRead: Pick<Blacklist, 'readAt' | 'reused'> | null;
  checkSends: boolean;
  /** Problems first (not blacklisted, or messaged after opting out), clear before possible, then newest opt-out first. */
  items: AuditedOptOut[];
  dropped: DroppedOrders;
}

export interface AuditQuery {
  range: DayRange;
  checkSends: boolean;
  today: Day;
  /** Now as an API timestamp: an order due later has not gone out, and get-report refuses it (456). */
  now: string;
  /** The longest scan any tool may make (ILETIMERKEZI_MAX_RANGE_DAYS); the later-sends scan too. */
  maxRangeDays: number;
  /** The furthest ahead, in days, that the account schedules orders, as its owner states it; undefined when unknown. */
  scheduleHorizonDays?: number | undefined;
}

export interface AuditOptions extends ScanOptions {
  maxReportOrders: number;
  /** The account's blacklist walks, shared with its other calls. */
  blacklist: SharedBlacklist;
}

type OptOutMessage = Omit<AuditedOptOut, 'blacklisted' | 'sendCount' | 'sendsAfterOptOut'>;

/** Whether a message stands for its number in place of the one kept: a clear opt-out over a possible one, else the earlier. */
function replaces(message: CleanMessage & { optOutKind: OptOutKind }, kept: OptOutMessage): boolean {
  if (message.optOutKind !== kept.optOutKind) return message.optOutKind === 'clear';
  return message.date < kept.optedOutAt;
}

/**
 * Each opted-out number once, with its earliest clear opt-out of the range, or, when it sent
 * none, its earliest possible one: what the number said for sure decides when it opted out.
 */
function optOutsOf(messages: readonly CleanMessage[]): Map<string, OptOutMessage> {
  const byNumber = new Map<string, OptOutMessage>();
  for (const message of messages) {
    const { optOutKind } = message;
    if (optOutKind === null) continue;
    const number = normalizePhoneNumber(message.sender);
    const kept = byNumber.get(number.number);
    if (kept && !replaces({ ...message, optOutKind }, kept)) continue;
    byNumber.set(number.number, {
      ...number,
      optOutKind,
      optedOutAt: message.date,
      messageId: message.id,
      text: message.text,
      textTruncated: message.textTruncated,
    });
  }
  return byNumber;
}

function findings(items: readonly AuditedOptOut[]): KindFindings {
  return {
    count: items.length,
    blacklisted: items.filter((item) => item.blacklisted === true).length,
    notBlacklisted: items.filter((item) => item.blacklisted === false).length,
    uncheckable: items.filter((item) => item.blacklisted === null).length,
    messagedAfterOptOut: items.filter((item) => item.sendCount > 0).length,
  };
}

/**
 * The submission days the later-sends scan lists: from the horizon (or the default lead) before
 * the earliest opt-out's day up to today, an order scheduled at most h days ahead and sent after
 * the opt-out having been submitted on one of them. A lead that would pass the longest scan allowed
 * is shortened, and the gap named; a scan that cannot even reach back to the opt-out is refused.
 */
function sendsScanOf(earliest: string, query: AuditQuery): { range: DayRange; gap: ScheduleGap | null } {
  const first = dayOfTimestamp(earliest);
  const fromOptOut = inclusiveDays(first, query.today);
  if (fromOptOut > query.maxRangeDays) {
    throw new WorkLimitError(
      `Checking for later sends would scan the orders submitted ${first}..${query.today}, ${fromOptOut} days, more than the ` +
        `${query.maxRangeDays} allowed (ILETIMERKEZI_MAX_RANGE_DAYS). Audit a more recent range, or pass checkSends: false ` +
        'to check the blacklist only.',
    );
  }
  const wanted = query.scheduleHorizonDays ?? DEFAULT_SCHEDULE_LEAD_DAYS;
  const lead = Math.min(wanted, query.maxRangeDays - fromOptOut);
  const range = { start: shiftDays(first, -lead), end: query.today };
  if (lead < wanted) return { range, gap: { submittedBefore: range.start, reason: 'range_limit' } };
  return { range, gap: query.scheduleHorizonDays === undefined ? { submittedBefore: range.start, reason: 'horizon_unknown' } : null };
}

/** Orders submitted in the scan's days that went out after the earliest opt-out. */
async function ordersSentAfter(api: IletimerkeziApi, earliest: string, query: AuditQuery, options: ScanOptions) {
  const { range, gap } = sendsScanOf(earliest, query);
  const orders: Order[] = [];
  let scheduledLater = 0;
  const stats = await scanOrders(
    api,
    range,
    () => {
      const page: Order[] = [];
      return {
        add: (order) => {
          if (order.sendAt > earliest) page.push(order);
        },
        commit: () => {
          for (const order of page) {
            if (order.sendAt > query.now) scheduledLater += 1;
            else orders.push(order);
          }
        },
      };
    },
    options,
  );
  return { range, gap, orders, scheduledLater, stats };
}

const isProblem = (item: AuditedOptOut) => item.blacklisted === false || item.sendCount > 0;

/**
 * The audit's phases, set out up front: the inbox and the blacklist are a request or a few, the
 * later-sends scan and its get-report reads most of the work. Phases a call skips are crossed.
 */
const AUDIT_PHASES = { inbox: 1, blacklist: 1, sendsScan: 4, recipients: 4 };

type Figures = Omit<OptOutAudit, 'verdict' | 'items' | 'range' | 'coverage' | 'complete'>;

/**
 * Everything the audit vouches for was seen: the whole inbox, and, when sends are checked, every
 * order that could have reached an opt-out, each of them read.
 */
function isComplete(audit: Figures): boolean {
  return audit.inbox.complete && audit.checkSends && audit.scheduleGap === null && audit.notChecked.length === 0;
}

function verdictOf(audit: Figures): AuditVerdict {
  // An incomplete inbox may hide opt-outs among the messages it did not return.
  if (!audit.inbox.complete) return 'partial';
  if (audit.optOuts + audit.possibleOptOuts.count === 0) return 'nothing_to_audit';
  if (!isComplete(audit)) return 'partial';
  if (audit.notBlacklisted > 0 || audit.messagedAfterOptOut > 0 || audit.scheduledLater > 0) return 'action_needed';
  return audit.possibleOptOuts.toReview > 0 ? 'review_needed' : 'clean';
}

export async function auditOptOuts(api: IletimerkeziApi, query: AuditQuery, options: AuditOptions): Promise<OptOutAudit> {
  const progress = progressPhases(options.onProgress, AUDIT_PHASES);
  // Every message of the range, not the opt-outs alone: a range with none has nothing to audit, which is not clean.
  const inbox = await readInbox(api, { range: query.range }, options.signal);
  const optOuts = optOutsOf(inbox.items.filter((message) => message.optOut));
  progress.inbox?.({ progress: 1, total: 1, message: `inbox read, ${optOuts.size} opted-out senders found` });
  const checkable = [...optOuts.values()].filter((optOut) => optOut.isPhoneNumber);
  const walk: Blacklist | undefined = optOuts.size > 0 ? await options.blacklist.read(api, options.signal, progress.blacklist) : undefined;
  const blacklist = walk?.numbers ?? new Set<string>();

  const sends = new Map<string, SendAfterOptOut[]>();
  let ordersChecked = 0;
  let notChecked: NotCheckedOrder[] = [];
  let scheduledLater = 0;
  let sendsScanned: DayRange | null = null;
  let scheduleGap: ScheduleGap | null = null;
  let dropped: DroppedOrders = { duplicates: 0, outOfRange: 0 };
  if (query.checkSends && checkable.length > 0) {
    const earliest = checkable.reduce((first, optOut) => (optOut.optedOutAt < first ? optOut.optedOutAt : first), checkable[0]?.optedOutAt ?? '');
    const scanned = await ordersSentAfter(api, earliest, query, { ...options, onProgress: progress.sendsScan });
    scheduledLater = scanned.scheduledLater;
    sendsScanned = scanned.range;
    scheduleGap = scanned.gap;
    dropped = droppedBy(scanned.stats);
    const tails = new Set(checkable.map((optOut) => digitTail(optOut.number)));
    const read = await readRecipientsOfOrders(
      api,
      scanned.orders,
      (message, order) => {
        if (!tails.has(digitTail(message.number))) return undefined;
        const number = normalizePhoneNumber(message.number);
        const optOut = number.isPhoneNumber ? optOuts.get(number.number) : undefined;
        // What counts is when the message went out, whatever became of it.
        return optOut && order.sendAt > optOut.optedOutAt ? { number: number.number, status: messageStateOf(message.status) } : undefined;
      },
      (order, found) => {
        for (const { number, status } of found) {
          const list = sends.get(number) ?? [];
          list.push({ orderId: order.id, sendAt: order.sendAt, sender: order.sender, status });
          sends.set(number, list);
        }
      },
      {
        signal: options.signal,
        onProgress: progress.recipients,
        maxReportOrders: options.maxReportOrders,
        finalRecipients: options.finalRecipients,
        what: 'orders sent after the earliest opt-out',
        advice:
          'Later sends are checked from the earliest opt-out up to today, so audit a shorter or more recent range, ' +
          'or pass checkSends: false for the blacklist check alone.',
      },
    );
    notChecked = read.notChecked;
    ordersChecked = scanned.orders.length - notChecked.length;
  }

  const items: AuditedOptOut[] = [...optOuts.values()].map((optOut) => {
    const found = (sends.get(optOut.number) ?? []).sort((a, b) => (a.sendAt < b.sendAt ? -1 : a.sendAt > b.sendAt ? 1 : a.orderId - b.orderId));
    return {
      ...optOut,
      blacklisted: optOut.isPhoneNumber ? blacklist.has(optOut.number) : null,
      sendCount: found.length,
      sendsAfterOptOut: found.slice(0, MAX_SENDS_LISTED),
    };
  });
  items.sort(
    (a, b) =>
      Number(isProblem(b)) - Number(isProblem(a)) ||
      Number(b.optOutKind === 'clear') - Number(a.optOutKind === 'clear') ||
      (a.optedOutAt < b.optedOutAt ? 1 : a.optedOutAt > b.optedOutAt ? -1 : 0) ||
      (a.number < b.number ? -1 : a.number > b.number ? 1 : 0),
  );
  const possible = items.filter((item) => item.optOutKind === 'possible');
  const { count: clearCount, ...clear } = findings(items.filter((item) => item.optOutKind === 'clear'));
  const figures = {
    optOuts: clearCount,
    ...clear,
    possibleOptOuts: { ...findings(possible), toReview: possible.filter(isProblem).length },
    ordersChecked,
    notChecked,
    scheduledLater,
    sendsScanned,
    scheduleGap,
    inbox: { totalRows: inbox.meta.totalRows, fetched: inbox.meta.fetched, complete: inbox.meta.fetched === inbox.meta.totalRows, inRange: inbox.items.length },
    blacklistSize: blacklist.size,
    blacklistRead: walk ? { readAt: walk.readAt, reused: walk.reused } : null,
    checkSends: query.checkSends,
    dropped,
  };
  return {
    range: query.range,
    verdict: verdictOf(figures),
    complete: isComplete(figures),
    ...figures,
    coverage: coverageOf(query.range, inbox.items.map((message) => dayOfTimestamp(message.date))),
    items,
  };
}
