import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      include: ['src/**/*.spec.{ts,tsx}', 'scripts/**/*.spec.ts'],
      environment: 'jsdom',
      setupFiles: ['src/testing/setup.ts'],
      reporters: ['default'],
    },
  }),
);
