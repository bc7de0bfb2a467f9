// Recreates libs/contracts/src/generated from proto/: run it as `npm run proto:generate`
// (Nx target contracts:generate), never edit its output by hand.
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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = 'libs/contracts/src/generated';
const buf = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');

rmSync(join(workspaceRoot, outDir), { recursive: true, force: true });
runBuf(['generate', '--template', 'proto/buf.gen.yaml', 'proto']);
// The standard health service (grpc.health.v1) is served by grpc-health-check from its own copy of
// health.proto; its descriptors join the set so that reflection describes it too (`buf curl` health checks).
// Two serialized FileDescriptorSets concatenated are one set holding the files of both.
const scratch = mkdtempSync(join(tmpdir(), 'triad-proto-'));
runBuf(['build', 'proto', '-o', join(scratch, 'triad.binpb')]);
runBuf(['build', join(dirname(createRequire(import.meta.url).resolve('grpc-health-check')), '../../proto'), '-o', join(scratch, 'health.binpb')]);
writeFileSync(
  join(workspaceRoot, outDir, 'triad.binpb'),
  Buffer.concat([readFileSync(join(scratch, 'triad.binpb')), readFileSync(join(scratch, 'health.binpb'))]),
);
rmSync(scratch, { recursive: true, force: true });

/** Runs the buf CLI from @bufbuild/buf with the current Node, and stops the script when buf fails. */
function runBuf(args) {
  const result = spawnSync(process.execPath, [buf, ...args], { cwd: workspaceRoot, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`\`buf ${args.join(' ')}\` failed (exit ${result.status}): fix the error above and run again.`);
    process.exit(result.status ?? 1);
  }
}
