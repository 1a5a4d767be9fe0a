/** The names a Host or Origin header may use for this machine (the rebinding check allows these only). */
export const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An address on this machine: a loopback name, `::1` unbracketed, or anything in 127.0.0.0/8. */
export function isLoopbackAddress(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.has(name) || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
