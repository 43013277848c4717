/**
 * `${ENV:NAME}` placeholders in string values, replaced by environment variables after the
 * file is parsed (so a secret never has to be written into the file, and its characters
 * cannot break the YAML). A missing variable is an issue naming the path and the variable.
 */
import { formatPath, type ConfigIssue } from './config-error.js'

const PLACEHOLDER = /\$\{ENV:([A-Za-z_][A-Za-z0-9_]*)\}/g

/**
 * Returns a copy of `value` with every placeholder replaced; problems go to `issues`.
 *
 * @example
 * ```ts
 * substituteEnv({ secret: '${ENV:SECRET}' }, { SECRET: 's3cr3t' }, []) // { secret: 's3cr3t' }
 * ```
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_match, name: string) => {
      const found = env[name]
      if (found === undefined) {
        issues.push({
          path: formatPath(path),
          message: `the environment variable ${name} is not set: set it, or write the value in the file`,
        })
        return ''
      }
      return found
    })
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => substituteEnv(item, env, issues, [...path, i]))
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      out[key] = substituteEnv(item, env, issues, [...path, key])
    }
    return out
  }
  return value
}
