import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { baseFiles } from './base.ts';

const HEADER =
  '# Made from the system registry (libs/platform/src/system/registry.ts) by deploy/k8s/src/base.ts.\n' +
  '# `npx nx test k8s -- -u` rewrites it: change the registry or base.ts, or patch it in an overlay, not here.\n';

describe('deploy/k8s/base', () => {
  // A failure here means the registry or base.ts changed and the checked-in base did not follow: run with -u.
  for (const [file, content] of Object.entries(baseFiles())) {
    it(`${file} is what the registry makes`, async () => {
      const documents = Array.isArray(content) ? content : [content];
      const text = HEADER + documents.map((document) => stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
      await expect(text).toMatchFileSnapshot(join(import.meta.dirname, '../base', file));
    });
  }
});
