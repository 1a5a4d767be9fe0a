import type { IletimerkeziApi, Order, PhoneNumber } from '../api/client.js';
import { normalizePhoneNumber } from '../api/phone-number.js';
import { UpstreamError, WorkLimitError } from '../errors.js';
import { type Day, dayOfTimestamp, inclusiveDays, shiftDays } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, droppedBy } from './delivery-summary.js';
import { type CleanMessage, readInbox } from './inbox.js';
import type { OptOutKind } from './text.js';
import { type ScanOptions, scanOrders } from './order-scan.js';
import { messageStateOf, readRecipientsOfOrders } from './recipients.js';

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

/** Scheduled orders are submitted ahead of their send: this many days before the earliest opt-out are scanned too. */
export const SCHEDULE_LEAD_DAYS = 7;
/** Sends listed per opted-out number; sendCount counts them all. */
export const MAX_SENDS_LISTED = 20;

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
  /** Numbers that sent a clear opt-out; the fields beside it count among these. */
  optOuts: number;
  /** Numbers whose only opt-outs in the range are possible ones, checked the same way. */
  possibleOptOuts: KindFindings & { toReview: number };
  ordersChecked: number;
  /** Orders after an opt-out that are scheduled and have not gone out yet: not checked, to review before they go. */
  scheduledLater: number;
  /** The submission days whose orders were scanned for later sends; null when none were. */
  sendsScanned: DayRange | null;
  inbox: { totalRows: number; fetched: number; complete: boolean };
  blacklistSize: number;
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
}

export interface AuditOptions extends ScanOptions {
  maxReportOrders: number;
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

/** A backstop against a blacklist that pages forever; at 1000 a page this is ten million numbers. */
const MAX_BLACKLIST_PAGES = 10_000;

/** The whole blacklist, normalized: paged until a page has no numbers, `count` never trusted as a total. */
async function readWholeBlacklist(api: IletimerkeziApi, signal?: AbortSignal): Promise<Set<string>> {
  const numbers = new Set<string>();
  for (let page = 1; ; page += 1) {
    const entries = await api.readBlacklistPage(page, signal);
    if (entries.length === 0) return numbers;
    const before = numbers.size;
    for (const entry of entries) numbers.add(entry.number);
    // A blacklist holds each number once, so a page with nothing new is the API repeating itself.
    if (numbers.size === before || page >= MAX_BLACKLIST_PAGES) {
      throw new UpstreamError(
        'repeating-pages',
        `The iletiMerkezi API served blacklist page ${page} with no number it had not served before; stopped rather than loop forever. Try again later.`,
      );
    }
  }
}

/** Orders submitted from a week before the earliest opt-out to today that went out after it. */
async function ordersSentAfter(api: IletimerkeziApi, earliest: string, query: AuditQuery, options: ScanOptions) {
  const range = { start: shiftDays(dayOfTimestamp(earliest), -SCHEDULE_LEAD_DAYS), end: query.today };
  const days = inclusiveDays(range.start, range.end);
  if (days > query.maxRangeDays) {
    throw new WorkLimitError(
      `Checking for later sends would scan the orders submitted ${range.start}..${range.end}, ${days} days, more than the ` +
        `${query.maxRangeDays} allowed (ILETIMERKEZI_MAX_RANGE_DAYS). Audit a more recent range, or pass checkSends: false ` +
        'to check the blacklist only.',
    );
  }
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
  return { range, orders, scheduledLater, stats };
}

/**
 * The last digits of a number as written. Every form of one phone number ends with the same
 * subscriber digits, so a recipient whose digits end otherwise cannot be an opted-out number and
 * need not be normalized: at several microseconds each, normalizing every recipient of a busy
 * month would cost seconds. A match is still decided by normalizePhoneNumber alone.
 */
const TAIL_DIGITS = 7;
function digitTail(value: string | number): string {
  return String(value).replace(/\D/g, '').slice(-TAIL_DIGITS);
}

const isProblem = (item: AuditedOptOut) => item.blacklisted === false || item.sendCount > 0;

export async function auditOptOuts(api: IletimerkeziApi, query: AuditQuery, options: AuditOptions): Promise<OptOutAudit> {
  const inbox = await readInbox(api, { range: query.range, optOutOnly: true }, options.signal);
  const optOuts = optOutsOf(inbox.items);
  const checkable = [...optOuts.values()].filter((optOut) => optOut.isPhoneNumber);
  const blacklist = optOuts.size > 0 ? await readWholeBlacklist(api, options.signal) : new Set<string>();

  const sends = new Map<string, SendAfterOptOut[]>();
  let ordersChecked = 0;
  let scheduledLater = 0;
  let sendsScanned: DayRange | null = null;
  let dropped: DroppedOrders = { duplicates: 0, outOfRange: 0 };
  if (query.checkSends && checkable.length > 0) {
    const earliest = checkable.reduce((first, optOut) => (optOut.optedOutAt < first ? optOut.optedOutAt : first), checkable[0]?.optedOutAt ?? '');
    const scanned = await ordersSentAfter(api, earliest, query, options);
    scheduledLater = scanned.scheduledLater;
    sendsScanned = scanned.range;
    dropped = droppedBy(scanned.stats);
    ordersChecked = scanned.orders.length;
    const tails = new Set(checkable.map((optOut) => digitTail(optOut.number)));
    await readRecipientsOfOrders(
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
        onProgress: options.onProgress,
        maxReportOrders: options.maxReportOrders,
        what: 'orders sent after the earliest opt-out',
        advice:
          'Later sends are checked from the earliest opt-out up to today, so audit a shorter or more recent range, ' +
          'or pass checkSends: false for the blacklist check alone.',
        progressBase: scanned.stats.windows,
      },
    );
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
  return {
    range: query.range,
    optOuts: clearCount,
    ...clear,
    possibleOptOuts: { ...findings(possible), toReview: possible.filter(isProblem).length },
    ordersChecked,
    scheduledLater,
    sendsScanned,
    inbox: { totalRows: inbox.meta.totalRows, fetched: inbox.meta.fetched, complete: inbox.meta.fetched === inbox.meta.totalRows },
    blacklistSize: blacklist.size,
    checkSends: query.checkSends,
    items,
    dropped,
  };
}
