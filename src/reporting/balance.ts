import type { Balance, IletimerkeziApi } from '../api/client.js';
import { type Day, shiftDays } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, summarizeDelivery } from './delivery-summary.js';
import type { ScanOptions } from './order-scan.js';
import { sideBySide } from './side-by-side.js';
import type { Coverage } from './span.js';

/** The days a runway is measured over: the 30 full days before today. */
export const RUNWAY_BASIS_DAYS = 30;

export interface BalanceReport extends Balance {
  /** Messages (orders' totals) submitted in the basis days, per day. */
  averageDailyMessages: number;
  /** How many days the SMS credit lasts at that rate; null when nothing was sent, or when the account runs on TL. */
  runwayDays: number | null;
  basis: DayRange;
  /** The basis days on which any order was submitted. */
  coverage: Coverage;
  /** Orders the basis scan left out (served twice, or from outside the basis). */
  dropped: DroppedOrders;
}

function runwayBasis(today: Day): DayRange {
  return { start: shiftDays(today, -RUNWAY_BASIS_DAYS), end: shiftDays(today, -1) };
}

/**
 * The credit left and how long it lasts. The basis is read by the same scan as
 * summarize_delivery, so its final windows come from the session's cache.
 */
export async function readBalance(api: IletimerkeziApi, today: Day, options: ScanOptions): Promise<BalanceReport> {
  const basis = runwayBasis(today);
  // Either half failing ends the call, so it also stops the other's upstream requests.
  const [balance, sent] = await sideBySide(options.signal, (signal) => [
    api.fetchBalance(signal),
    summarizeDelivery(api, { range: basis }, { ...options, signal }),
  ]);
  const averageDailyMessages = sent.total / RUNWAY_BASIS_DAYS;
  const runsOnTl = balance.sms === 0 && balance.amount !== 0;
  return {
    ...balance,
    averageDailyMessages,
    runwayDays: averageDailyMessages === 0 || runsOnTl ? null : balance.sms / averageDailyMessages,
    basis,
    coverage: sent.coverage,
    dropped: sent.dropped,
  };
}
