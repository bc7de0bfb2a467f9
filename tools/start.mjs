// `npm start`: runs the whole built system on this machine, on embedded PGlite, with the demo data seeded, and
// prints where to go. A process that crashes is restarted with backoff while the others keep serving. Ctrl-C
// (or SIGTERM) stops every process cleanly; a second one while they stop only says so.
// Ports are the registry's defaults (the README's); the same variables the processes read (GATEWAY_PORT,
// REST_PORT, USERS_GRPC_PORT, USERS_HTTP_PORT, CATALOG_*, ORDERS_*…) move them. TRIAD_DATA_DIR moves the data (default
// .data/). FULFILMENT_SIMULATOR=false keeps orders PENDING.
// The system entry alone: the package's main entry also brings the test helpers (Nest, testcontainers...), which
// this launcher, that only spawns and watches processes, does not need.
import { portsFromEnvironment, startSystem } from '@triad/testing/system';

const ports = portsFromEnvironment(process.env);
const dataDir = process.env.TRIAD_DATA_DIR || '.data';

/** One readable line per JSON log line: time, process, level, message and the fields that matter. */
function printLine(process_, line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return process.stdout.write(`${process_.padEnd(16)} ${line}\n`);
  }
  const { time, level, msg, service: _service, name: _name, context: _context, ...fields } = entry;
  const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  process.stdout.write(`${String(time ?? '').slice(11, 19)} ${process_.padEnd(16)} ${String(level).padEnd(5)} ${msg}${extra}\n`);
}

/** The launcher's own lines, in the same columns as the processes' lines. */
function say(level, message) {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${'launcher'.padEnd(16)} ${level.padEnd(5)} ${message}\n`);
}

/** One line per crash: which process, how it ended, when it comes back and which restart in a row this is. */
function reportRestart({ process: name, code, signal, attempt, delayMs }) {
  const ended = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  say('warn', `${name} ${ended}; restarting it in ${delayMs / 1000} s (attempt ${attempt})`);
}

const startup = new AbortController();
let system;
let stopping = false;

/** The first request stops everything; a later one must not cut that graceful shutdown short. */
function requestStop(reason) {
  if (stopping) {
    console.log(`${reason}: already stopping; waiting for every process to finish shutting down.`);
    return;
  }
  stopping = true;
  console.log(`\n${reason}: stopping Triad...`);
  if (system) void stopAndExit();
  else startup.abort();
}

async function stopAndExit() {
  const codes = await system.stop();
  const failed = Object.entries(codes).filter(([, code]) => code !== 0);
  console.log(failed.length === 0 ? 'Stopped.' : `Stopped; not cleanly: ${failed.map(([name, code]) => `${name} (${code})`).join(', ')}`);
  process.exit(failed.length === 0 ? 0 : 1);
}

// Listened to from the start, and every time: the processes sit in their own process groups, so a terminal's
// Ctrl-C reaches this launcher alone, and only it stops them.
process.on('SIGINT', () => requestStop('Ctrl-C'));
process.on('SIGTERM', () => requestStop('SIGTERM'));
process.on('SIGHUP', () => requestStop('Terminal closed'));

try {
  system = await startSystem({
    ports,
    dataDir,
    // The demo warehouse moves each order along its lifecycle, so its status visibly changes.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', FULFILMENT_SIMULATOR: process.env.FULFILMENT_SIMULATOR ?? 'true' },
    output: printLine,
    supervise: { onRestart: reportRestart },
    signal: startup.signal,
  });
} catch (error) {
  if (stopping) {
    // Stopped while starting: startSystem has already stopped what it had started.
    console.log('Stopped.');
    process.exit(0);
  }
  console.error(`\nTriad did not start: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  process.exit(1);
}

// A stop requested as the last process became ready found no system to stop yet.
if (stopping) await stopAndExit();

console.log(`
Triad is running (embedded PGlite, data in ${dataDir}/). Open the web app first:
  Web app           ${system.urls.web}
  GraphQL gateway   ${system.urls.gateway}
  GraphQL IDE       ${system.urls.ide}
  REST API          ${system.urls.rest}   (OpenAPI: http://localhost:${ports.rest}/openapi.json)
  REST docs         ${system.urls.docs}
  gRPC (reflection) users ${system.urls.usersGrpc}, catalog ${system.urls.catalogGrpc}, orders ${system.urls.ordersGrpc}
                    e.g. npx buf curl --protocol grpc --http2-prior-knowledge --list-methods http://${system.urls.ordersGrpc}
Demo logins: admin@triad.dev / admin-password, alice@triad.dev / alice-password
Press Ctrl-C to stop.
`);
