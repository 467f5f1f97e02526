import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The machines have two cores; end-to-end tests spawn CLIs and servers of their own.
    maxWorkers: 2,
  },
});
