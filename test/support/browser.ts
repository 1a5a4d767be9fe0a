import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, which .ci/run installs (CHROMIUM_PATH names another); as root it runs without its sandbox. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}
