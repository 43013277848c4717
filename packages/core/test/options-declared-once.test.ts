/**
 * The options are declared once: `GuardOptions` (documented, what users write) and the zod
 * schema that checks them must describe the same object, so a new option cannot be added to
 * one and forgotten in the other. Checked by the type checker (`pnpm lint`), and run here.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type { GuardOptions } from '../src/options/guard-options.js'
import type { guardOptionsSchema } from '../src/options/resolve-options.js'

describe('GuardOptions and its schema', () => {
  it('describe the same object', () => {
    expectTypeOf<z.input<typeof guardOptionsSchema>>().toEqualTypeOf<GuardOptions>()
  })
})
