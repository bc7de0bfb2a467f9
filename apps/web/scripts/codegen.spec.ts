// @vitest-environment node
import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../codegen';
import { apiSchemaFile, printApiSchema, supergraphFile } from './print-api-schema';

const stale = 'is stale: run `npx nx run web:codegen` and commit the result';

describe('generated GraphQL code', () => {
  it('matches the API schema of the checked-in supergraph', () => {
    const expected = printApiSchema(readFileSync(supergraphFile, 'utf8'));
    expect(readFileSync(apiSchemaFile, 'utf8'), `src/generated/schema.graphql ${stale}`).toBe(expected);
  });

  it('matches the documents in src', async () => {
    const outputs = await generate({ ...codegenConfig, silent: true }, false);
    for (const { filename, content } of outputs) {
      expect(readFileSync(filename, 'utf8'), `${filename} ${stale}`).toBe(content);
    }
  }, 60_000);
});
