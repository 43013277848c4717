/**
 * The error wrong options fail with, at construction: it names each option at fault and the
 * fix. Every problem found is in one error, so one run shows them all.
 */

/** One wrong option: which, and what is wrong with it (with the fix). */
type OptionProblem = { readonly option: string; readonly problem: string }

const describe = ({ option, problem }: OptionProblem) => `option "${option}" ${problem}`

/**
 * Wrong options. `option` is the first one at fault and `problems` lists every one found, in
 * order (a single entry when there is one problem). The message is
 * `bearerguard: option "<option>" <problem>` for one problem, and one such line per problem
 * after a count for several.
 *
 * @example
 * ```ts
 * try { createGuard({ issuer: 'https://as.example.com' } as GuardOptions) }
 * catch (err) {
 *   if (err instanceof GuardOptionError) {
 *     for (const { option, problem } of err.problems) console.error(option, problem)
 *   }
 * }
 * ```
 */
export class GuardOptionError extends TypeError {
  /**
   * Every problem found: this error's `option` first, then the others. Each has the option's
   * path (`option`) and what is wrong with it and the fix (`problem`, e.g. `is required`).
   */
  readonly problems: readonly { readonly option: string; readonly problem: string }[]

  constructor(
    /** The (first) option at fault, e.g. `audience` or `issuer[1].jwksUri`. */
    readonly option: string,
    problem: string,
    /** Further problems found in the same options, reported with this one. */
    more: readonly { readonly option: string; readonly problem: string }[] = [],
  ) {
    const problems = [{ option, problem }, ...more]
    super(
      problems.length === 1
        ? `bearerguard: ${describe({ option, problem })}`
        : `bearerguard: ${problems.length} problems with the options:\n` +
            problems.map((p) => `  - ${describe(p)}`).join('\n'),
    )
    this.name = 'GuardOptionError'
    this.problems = problems
  }
}
