import { defineConfig } from 'vitest/config'

// Tests import package sources through the "@bearerguard/source" export condition,
// so no build is needed to run them.
const LEGACY = '**/*.legacy.test.ts'
const project = (name: string, include: string) => ({
  extends: true as const,
  test: { name, include: [include], exclude: ['**/node_modules/**', LEGACY] },
})

export default defineConfig({
  resolve: { conditions: ['@bearerguard/source'] },
  ssr: {
    resolve: { conditions: ['@bearerguard/source'], externalConditions: ['@bearerguard/source'] },
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      project('core', 'packages/core/test/**/*.test.ts'),
      project('express', 'packages/express/test/**/*.test.ts'),
      project('koa', 'packages/koa/test/**/*.test.ts'),
      project('fastify', 'packages/fastify/test/**/*.test.ts'),
      project('hono', 'packages/hono/test/**/*.test.ts'),
      project('testing', 'packages/testing/test/**/*.test.ts'),
      project('redis', 'packages/redis/test/**/*.test.ts'),
      project('gateway', 'packages/gateway/test/**/*.test.ts'),
      project('cross-package', 'test/**/*.test.ts'),
      {
        // NestJS: legacy decorators, as Nest apps compile them (explicit @Inject: no metadata)
        extends: true as const,
        esbuild: { tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } },
        test: { name: 'nestjs', include: ['packages/nestjs/test/**/*.test.ts'] },
      },
      {
        // Decorators as NestJS and routing-controllers compile them.
        extends: true as const,
        esbuild: { tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } },
        test: {
          name: 'legacy-decorators',
          include: [`packages/*/test/${LEGACY}`, `test/${LEGACY}`],
        },
      },
    ],
  },
})
