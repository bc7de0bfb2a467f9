// The checklist the compose smoke test prints: one line per check, `ok` or `FAIL` with the reason, and every
// check runs even after one failed, so a broken stack shows everything that is wrong at once.

/** A list of checks titled `title`; `finish()` prints the outcome and exits 0 when all passed, else 1. */
export function checklist(title) {
  let failures = 0;
  return {
    /** Runs one check; a thrown error fails it with its message, and the run goes on to the next check. */
    async check(name, run) {
      try {
        const detail = await run();
        console.log(`  ok    ${name}${detail ? ` (${detail})` : ''}`);
      } catch (error) {
        failures += 1;
        console.log(`  FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    finish() {
      console.log(failures === 0 ? `${title} passed` : `${title}: ${failures} failed`);
      process.exit(failures === 0 ? 0 : 1);
    },
  };
}

/** Sends a request with a deadline and returns the status and the parsed JSON body (or the text). */
export async function request(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the failure message.
  }
  return { status: response.status, body };
}
