import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Which kind of project may depend on which: apps use libraries, never other apps. */
const typeConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing'] },
  // The deployment manifests' code reads the system registry (platform) and nothing of the apps.
  { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:platform'] },
];

/** Which domain may see which: a service sees only itself and what is shared. */
const scopeConstraints = ['users', 'catalog', 'orders', 'rest', 'gateway', 'web'].map((scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
}));
scopeConstraints.push({ sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] });

const boundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: [],
    banTransitiveDependencies: true,
    depConstraints: [...constraints, ...scopeConstraints],
  },
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/out-tsc/**', '**/generated/**', '**/node_modules/**', '**/.data/**', '**/vite.config.*.timestamp*', '**/vitest.config.*.timestamp*'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(typeConstraints),
      // Nest resolves constructor parameters from their emitted types, so a type-only import is not always right.
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Each project's vitest.config.ts extends the workspace's shared test setup by path.
    files: ['**/vitest.config.ts', '**/vitest.*.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Tests, and the test helpers beside them in src/testing, may also use the test harness.
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/src/testing/**/*.ts', '**/src/testing/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@nx/enforce-module-boundaries': boundaries(
        typeConstraints.map((constraint) => ({
          ...constraint,
          onlyDependOnLibsWithTags: [...new Set([...constraint.onlyDependOnLibsWithTags, 'type:testing'])],
        })),
      ),
    },
  },
);
