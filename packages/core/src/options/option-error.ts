/** The error a wrong option fails with, at construction: it names the option and the fix. */

/**
 * @example
 * ```ts
 * try { createGuard({ issuer: 'https://as.example.com' } as GuardOptions) }
 * catch (err) { err instanceof GuardOptionError && console.error(err.option, err.message) }
 * ```
 */
export class GuardOptionError extends TypeError {
  constructor(
    /** The option at fault, e.g. `audience` or `issuer[1].jwksUri`. */
    readonly option: string,
    problem: string,
  ) {
    super(`bearerguard: option "${option}" ${problem}`)
    this.name = 'GuardOptionError'
  }
}
