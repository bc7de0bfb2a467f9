// The checklist the compose smoke test prints: one line per check, `ok` or `FAIL` with the reason, and every
// check runs even after one failed, so a broken stack shows everything that is wrong at once; and what the
// replica checks read from the containers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

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
  return { status: response.status, body, headers: response.headers };
}

/** The running containers of a service of compose project `project`, by name: `{ id, name }`. */
export async function composeContainers(project, service) {
  const labels = ['--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`];
  const { stdout } = await run('docker', ['ps', '--format', '{{.ID}} {{.Names}}', ...labels]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, name] = line.split(' ');
      return { id, name };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The gRPC calls the process in `container` has answered so far (counted as each call ends), by method name
 * (`GetProduct`), read from its own /metrics on `port` inside the container: replicas share no host port.
 */
export async function callsAnswered(container, port) {
  const script = `fetch('http://127.0.0.1:${port}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`;
  const { stdout } = await run('docker', ['exec', container.id, 'node', '-e', script], { maxBuffer: 16 * 1024 * 1024 });
  const calls = {};
  for (const [, labels, value] of stdout.matchAll(/^rpc_server_call_duration(?:_seconds)?_count\{([^}]*)\} (\d+)/gm)) {
    const method = /rpc_method="[^"]*\/([A-Za-z]+)"/.exec(labels)?.[1];
    if (method) calls[method] = (calls[method] ?? 0) + Number(value);
  }
  return calls;
}
