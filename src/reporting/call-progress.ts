/**
 * The progress of one tool call, from the work that makes it to the notifications a client
 * sees. A call sets out its phases up front, each with a fixed share, so the figure moves one
 * way across all of them; `CallProgress` shows it against a fixed total, never backwards, and
 * no more often than a client can use.
 */

export interface ProgressUpdate {
  progress: number;
  total: number;
  message: string;
}

export type ProgressReport = (update: ProgressUpdate) => void;

/** Every notification's total: the call's progress in percent, the same from start to end. */
export const PROGRESS_TOTAL = 100;
/** After a call's first two notifications, the least time between two more. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Splits a call's progress into phases with fixed shares, in the order the object lists them
 * (which is the order they run). A phase reports its own progress out of its own total
 * (windows, orders), which moves the call across that phase's share alone; a phase the call
 * skips leaves its share to be crossed when a later phase reports, or when the call finishes.
 */
export function progressPhases<P extends string>(report: ProgressReport | undefined, shares: Record<P, number>): Record<P, ProgressReport | undefined> {
  const entries = Object.entries<number>(shares);
  const whole = entries.reduce((sum, [, share]) => sum + share, 0);
  let start = 0;
  const phases: Record<string, ProgressReport | undefined> = {};
  for (const [name, share] of entries) {
    const from = start;
    phases[name] = report && ((update) => report({ progress: from + share * fractionOf(update), total: whole, message: update.message }));
    start += share;
  }
  return phases;
}

/** How much of its own total an update has done, from 0 to 1; a total of nothing is done. */
function fractionOf({ progress, total }: ProgressUpdate): number {
  if (!(total > 0)) return 1;
  return Math.min(1, Math.max(0, progress / total));
}

/**
 * What the client of one call is shown. Its start (0 %) and its end (100 %, only once the
 * answer is ready) always; between them an update only when it moves the figure forward, and,
 * after the first two notifications, at most one every PROGRESS_INTERVAL_MS. Updates the
 * throttle holds back are dropped rather than sent later, so nothing is left behind a timer
 * once the call ends.
 */
export class CallProgress {
  private shown = -1;
  private sent = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private lastMessage: string | undefined;
  private stopped = false;

  constructor(
    private readonly send: ProgressReport,
    /** Milliseconds from any fixed point, for the spacing of notifications. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.show(0, 'started', this.now());
  }

  /** An update out of any total; only what moves the call forward, short of its end, may be shown. */
  report(update: ProgressUpdate): void {
    if (this.stopped) return;
    this.lastMessage = update.message;
    // Two decimals, rounded down, so nothing short of the whole reads as 100 %.
    const progress = Math.floor(fractionOf(update) * PROGRESS_TOTAL * 100) / 100;
    if (!(progress > this.shown) || progress >= PROGRESS_TOTAL) return;
    const at = this.now();
    if (this.sent >= 2 && at - this.lastSentAt < PROGRESS_INTERVAL_MS) return;
    this.show(progress, update.message, at);
  }

  /** The call answered: its end is shown, and nothing after it. */
  finish(): void {
    if (this.stopped) return;
    this.show(PROGRESS_TOTAL, this.lastMessage ?? 'done', this.now());
    this.stop();
  }

  /** The call ended without an answer, or the answer has been given: work still winding down shows nothing more. */
  stop(): void {
    this.stopped = true;
  }

  private show(progress: number, message: string, at: number): void {
    this.shown = progress;
    this.sent += 1;
    this.lastSentAt = at;
    this.send({ progress, total: PROGRESS_TOTAL, message });
  }
}
