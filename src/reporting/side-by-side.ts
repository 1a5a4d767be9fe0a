/**
 * Runs the parts of one call side by side, each with a signal that ends when the call is
 * cancelled or any part fails: the first failure stops the other parts' upstream requests, and
 * is the call's.
 */
export function sideBySide<T extends readonly unknown[]>(
  signal: AbortSignal | undefined,
  start: (signal: AbortSignal) => { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const all = new AbortController();
  const linked = signal ? AbortSignal.any([signal, all.signal]) : all.signal;
  const stopAll = (error: unknown): never => {
    all.abort();
    throw error;
  };
  // The parts keep their order, so the results are the tuple the parts promised.
  return Promise.all(start(linked).map((part: Promise<unknown>) => part.catch(stopAll))) as unknown as Promise<T>;
}
