/** The error a wrong configuration fails with: every problem, each with its path and the fix. */

/**
 * One problem of a configuration file.
 *
 * @example
 * ```ts
 * const issue: ConfigIssue = { path: 'rules[0].scopes', message: 'must not be empty' }
 * ```
 */
export interface ConfigIssue {
  /** Where, e.g. `rules[2].path` or `guard.audience`; `(file)` for the file as a whole. */
  path: string
  /** What is wrong and how to fix it. */
  message: string
}

/**
 * Thrown by {@link loadConfig} and {@link createGateway} for a configuration that cannot run.
 * Its message lists every issue on a line of its own.
 *
 * @example
 * ```ts
 * try { await loadConfig('gateway.yaml') } catch (err) {
 *   if (err instanceof GatewayConfigError) for (const i of err.issues) console.error(i.path, i.message)
 * }
 * ```
 */
export class GatewayConfigError extends Error {
  readonly issues: readonly ConfigIssue[]

  constructor(source: string, issues: readonly ConfigIssue[]) {
    super(
      `bearerguard-gateway: ${source} is not a valid configuration:\n` +
        issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'),
    )
    this.name = 'GatewayConfigError'
    this.issues = issues
  }
}

/** `['rules', 2, 'path']` → `rules[2].path`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out === '' ? '(file)' : out
}
