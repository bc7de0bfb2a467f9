import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The one Vitest setup every project extends: Nest decorators compiled by SWC with metadata, workspace
 * libraries resolved to their TypeScript source, and a single copy of graphql for Nest, Apollo and tests.
 */
export function projectTestConfig(projectRoot: string, overrides: ViteUserConfig['test'] = {}) {
  return defineConfig({
    root: projectRoot,
    cacheDir: '../../node_modules/.vitest-cache',
    plugins: [
      swc.vite({
        swcrc: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2023',
        },
      }),
    ],
    resolve: {
      conditions: ['@triad/source'],
      // Node loads graphql's CommonJS build for Nest and Apollo; Vite would load its .mjs build beside it.
      alias: { graphql: require.resolve('graphql') },
    },
    ssr: { resolve: { conditions: ['@triad/source'] } },
    test: {
      include: ['src/**/*.spec.ts'],
      environment: 'node',
      passWithNoTests: true,
      testTimeout: 30_000,
      hookTimeout: 120_000,
      reporters: ['default'],
      ...overrides,
    },
  });
}
