// `npm start`: runs the whole built system on this machine, on embedded PGlite (data in .data/), with the
// demo data seeded, and prints where to go. Ctrl-C stops every process cleanly.
// Ports are the defaults of ARCHITECTURE.md; the same variables the services read (GATEWAY_PORT, REST_PORT,
// USERS_GRPC_PORT, USERS_HTTP_PORT, CATALOG_*, ORDERS_*) move them. FULFILMENT_SIMULATOR=false keeps orders PENDING.
import { DEFAULT_PORTS, startSystem } from '@triad/testing';

const port = (variable, fallback) => (process.env[variable] ? Number(process.env[variable]) : fallback);
const ports = {
  gateway: port('GATEWAY_PORT', DEFAULT_PORTS.gateway),
  rest: port('REST_PORT', DEFAULT_PORTS.rest),
  usersGrpc: port('USERS_GRPC_PORT', DEFAULT_PORTS.usersGrpc),
  usersHttp: port('USERS_HTTP_PORT', DEFAULT_PORTS.usersHttp),
  catalogGrpc: port('CATALOG_GRPC_PORT', DEFAULT_PORTS.catalogGrpc),
  catalogHttp: port('CATALOG_HTTP_PORT', DEFAULT_PORTS.catalogHttp),
  ordersGrpc: port('ORDERS_GRPC_PORT', DEFAULT_PORTS.ordersGrpc),
  ordersHttp: port('ORDERS_HTTP_PORT', DEFAULT_PORTS.ordersHttp),
};

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

let system;
try {
  system = await startSystem({
    ports,
    dataDir: '.data',
    // The demo warehouse moves each order along its lifecycle, so its status visibly changes.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', FULFILMENT_SIMULATOR: process.env.FULFILMENT_SIMULATOR ?? 'true' },
    output: printLine,
  });
} catch (error) {
  console.error(`\nTriad did not start: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  process.exit(1);
}

console.log(`
Triad is running (embedded PGlite, data in .data/). Open the web app first:
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

let stopping = false;
async function shutdown(reason, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping Triad...`);
  const codes = await system.stop();
  const failed = Object.entries(codes).filter(([, code]) => code !== 0);
  console.log(failed.length === 0 ? 'Stopped.' : `Stopped; not cleanly: ${failed.map(([name, code]) => `${name} (${code})`).join(', ')}`);
  process.exit(failed.length === 0 ? exitCode : 1);
}
process.once('SIGINT', () => void shutdown('Ctrl-C'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
system.unexpectedExit.then((description) => void shutdown(description, 1));
