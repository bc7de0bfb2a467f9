import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Whether the browser specs can run. Nothing here can download a browser, so on a machine without one they
 * are skipped with one line saying how to run them; `.ci/run` sets TRIAD_REQUIRE_BROWSER, and there a missing
 * browser fails the run instead of skipping it.
 */
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const why = `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
  if (process.env['TRIAD_REQUIRE_BROWSER']) throw new Error(`The browser specs must run here, but there is ${why}.`);
  process.stdout.write(`[browser] browser specs skipped: ${why}\n`);
}

/** Headless Chromium as every browser spec drives it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
