// Recreates libs/contracts/src/generated from proto/: run it as `npm run proto:generate`
// (Nx target contracts:generate), never edit its output by hand. `--check` (npm run proto:check, part of
// npm test) regenerates into a scratch folder and fails when the checked-in output differs.
//
// It writes two things:
// - TypeScript types, NestJS controller/client interfaces and decorators from ts-proto
//   (options in proto/buf.gen.yaml);
// - triad.binpb, a FileDescriptorSet of every Triad proto file and the google/protobuf files they import.
//   The services load it at run time with @grpc/proto-loader's file-descriptor-set loader (through
//   loadPackageDefinition() in @triad/contracts), so no .proto files need to ship with the build, and
//   serve it through gRPC server reflection, which needs the real descriptors (proto-loader's view of
//   .proto files has made-up file names and no imports).
//
// The folder is deleted first so that a renamed or removed .proto file leaves no stale output behind.
// Paths are relative to the workspace root, which is where buf must run for buf.gen.yaml's plugin path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = 'libs/contracts/src/generated';
const buf = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');

const check = process.argv.includes('--check');
const scratch = mkdtempSync(join(tmpdir(), 'triad-proto-'));
// With --check everything is generated under a scratch folder and compared with the checked-in files.
const target = check ? join(scratch, 'out') : workspaceRoot;

rmSync(join(target, outDir), { recursive: true, force: true });
runBuf(['generate', '--template', 'proto/buf.gen.yaml', '-o', target, 'proto']);
// The standard health service (grpc.health.v1) is served by grpc-health-check from its own copy of
// health.proto; its descriptors join the set so that reflection describes it too (`buf curl` health checks).
// Two serialized FileDescriptorSets concatenated are one set holding the files of both.
const healthProtos = join(dirname(createRequire(import.meta.url).resolve('grpc-health-check')), '../../proto');
runBuf(['build', 'proto', '-o', join(scratch, 'triad.binpb')]);
runBuf(['build', healthProtos, '-o', join(scratch, 'health.binpb')]);
writeFileSync(
  join(target, outDir, 'triad.binpb'),
  Buffer.concat([readFileSync(join(scratch, 'triad.binpb')), readFileSync(join(scratch, 'health.binpb'))]),
);
const stale = check ? differences(join(target, outDir), join(workspaceRoot, outDir)) : [];
rmSync(scratch, { recursive: true, force: true });
if (stale.length > 0) {
  console.error(`${outDir} is stale (${stale.join(', ')}): run \`npm run proto:generate\` and commit the result.`);
  process.exit(1);
}
if (check) console.log(`${outDir} matches proto/.`);

/** Relative paths that differ between two folders, present in only one of them included. */
function differences(expectedDir, actualDir) {
  const files = (dir) => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }) : [])
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
  const all = new Set([...files(expectedDir), ...files(actualDir)]);
  return [...all].filter((file) => {
    const [a, b] = [join(expectedDir, file), join(actualDir, file)];
    return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
  });
}

/** Runs the buf CLI from @bufbuild/buf with the current Node, and stops the script when buf fails. */
function runBuf(args) {
  const result = spawnSync(process.execPath, [buf, ...args], { cwd: workspaceRoot, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`\`buf ${args.join(' ')}\` failed (exit ${result.status}): fix the error above and run again.`);
    process.exit(result.status ?? 1);
  }
}
