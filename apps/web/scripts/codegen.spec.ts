// @vitest-environment node
import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../codegen';

const stale = 'is stale: run `npx nx run web:codegen` and commit the result';

describe('generated GraphQL code', () => {
  it('matches the documents in src and the public schema', async () => {
    const outputs = await generate({ ...codegenConfig, silent: true }, false);
    for (const { filename, content } of outputs) {
      expect(readFileSync(filename, 'utf8'), `${filename} ${stale}`).toBe(content);
    }
  }, 60_000);
});
