/**
 * Reading and checking a configuration: the file (YAML, or JSON which YAML reads too), the
 * `${ENV:NAME}` placeholders, the schema, then everything that can only be checked by building
 * it — rule patterns, trusted proxy addresses, and the guard's own options — so `--check`
 * reports every mistake at once, each with its path and the fix.
 */
import { readFile } from 'node:fs/promises'
import { createGuard, GuardOptionError } from '@bearerguard/core'
import proxyaddr from 'proxy-addr'
import { parseDocument } from 'yaml'
import type { z } from 'zod'
import { GatewayConfigError, formatPath, type ConfigIssue } from './config-error.js'
import { substituteEnv } from './env-substitution.js'
import { configSchema, type GatewayConfig } from './schema.js'
import { compileRules, type Rules } from '../rules/match.js'
import { guardOptionsOf } from '../guard-from-config.js'

/**
 * A configuration ready to run.
 *
 * @example
 * ```ts
 * const { config, rules, trust } = parseConfig(object)
 * rules.match('GET', 'api.example.com', '/orders')
 * ```
 */
export interface CheckedConfig {
  config: GatewayConfig
  rules: Rules
  /** Whether a peer address is a trusted proxy. */
  trust: (address: string) => boolean
}

/**
 * Reads, substitutes and checks a configuration file. Rejects with {@link GatewayConfigError}
 * listing every problem.
 *
 * @example
 * ```ts
 * const checked = await loadConfig('gateway.yaml')
 * ```
 */
export async function loadConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<CheckedConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new GatewayConfigError(file, [
      {
        path: '(file)',
        message:
          code === 'ENOENT'
            ? 'does not exist: check the --config path'
            : `cannot be read (${code ?? 'error'}): check its permissions`,
      },
    ])
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new GatewayConfigError(
      file,
      doc.errors.map((e) => ({
        path: '(file)',
        message: `is not valid YAML or JSON: ${e.message.split('\n')[0]}`,
      })),
    )
  }
  const envIssues: ConfigIssue[] = []
  const value = substituteEnv(doc.toJS(), env, envIssues)
  return parseConfig(value, { source: file, issues: envIssues })
}

/**
 * Checks a configuration object (as parsed from a file, or written in code). With
 * `externalGuard`, the `guard` section may be left out: a guard is supplied separately.
 *
 * @example
 * ```ts
 * const { config } = parseConfig({ guard: { issuer, audience }, rules: [{ path: '/{*any}', authenticated: true }] })
 * ```
 */
export function parseConfig(
  value: unknown,
  options: {
    source?: string
    externalGuard?: boolean
    /** Problems found before (missing environment variables): reported with the rest. */
    issues?: readonly ConfigIssue[]
  } = {},
): CheckedConfig {
  const earlier = options.issues ?? []
  const source = options.source ?? 'the configuration'
  const input =
    options.externalGuard && isObject(value) && value.guard === undefined
      ? { ...value, guard: { issuer: 'external', audience: 'external' } }
      : value
  const parsed = configSchema.safeParse(input, { reportInput: true })
  if (!parsed.success) {
    // the shape is wrong, but patterns and addresses that are there can still be checked, so
    // that one run reports as much as it can
    const issues = [...earlier, ...parsed.error.issues.map(toIssue)]
    if (isObject(input)) {
      const rules: unknown[] = Array.isArray(input.rules) ? input.rules : []
      rules.forEach((rule, i) => {
        if (isObject(rule) && typeof rule.path === 'string' && rule.path.startsWith('/')) {
          const found: ConfigIssue[] = []
          compileRules([{ path: rule.path, public: true }], found)
          for (const issue of found) issues.push({ ...issue, path: `rules[${i}].path` })
        }
      })
      if (Array.isArray(input.trustedProxies)) {
        const list: unknown[] = input.trustedProxies
        compileTrust(
          list.filter((entry): entry is string => typeof entry === 'string'),
          issues,
        )
      }
      // and the guard's own checks, whatever else is wrong
      if (!options.externalGuard && isObject(input.guard)) {
        checkGuard({ guard: input.guard } as unknown as GatewayConfig, issues)
      }
    }
    throw new GatewayConfigError(source, dedupe(issues))
  }
  const config = parsed.data
  const issues: ConfigIssue[] = [...earlier]
  const rules = compileRules(config.rules, issues)
  const trust = compileTrust(config.trustedProxies, issues)
  if (!options.externalGuard) checkGuard(config, issues)
  if (issues.length > 0) throw new GatewayConfigError(source, dedupe(issues))
  return { config, rules, trust }
}

/** One issue per path and message (an empty substituted value may fail twice). */
function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.path}\n${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function compileTrust(
  list: readonly string[],
  issues: ConfigIssue[],
): (address: string) => boolean {
  const valid: string[] = []
  list.forEach((entry, i) => {
    try {
      proxyaddr.compile(entry)
      valid.push(entry)
    } catch {
      issues.push({
        path: `trustedProxies[${i}]`,
        message: `"${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`,
      })
    }
  })
  const trust = proxyaddr.compile(valid)
  return (address) => trust(address, 0)
}

/**
 * Builds (and drops) a guard from the section, so core's own checks report under `guard.`:
 * every problem core finds, except at a path already reported (a missing environment
 * variable, or the schema's own word on `guard.issuer`), which would only say it again.
 */
function checkGuard(config: GatewayConfig, issues: ConfigIssue[]): void {
  const reported = issues.map((i) => i.path)
  const add = (issue: ConfigIssue) => {
    if (!reported.some((path) => overlaps(path, issue.path))) issues.push(issue)
  }
  try {
    void createGuard(guardOptionsOf(config)).close()
  } catch (error) {
    if (error instanceof GuardOptionError) {
      for (const { option, problem } of error.problems) {
        add({ path: `guard.${option}`, message: problem })
      }
    } else {
      add({ path: 'guard', message: (error as Error).message })
    }
  }
}

/** Whether two paths name the same place or one lies inside the other (`guard.a` and `guard.a[0]`). */
function overlaps(a: string, b: string): boolean {
  const inside = (outer: string, inner: string) =>
    inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`)
  return inside(a, b) || inside(b, a)
}

function toIssue(issue: z.core.$ZodIssue): ConfigIssue {
  const path = formatPath(issue.path)
  if (issue.code === 'unrecognized_keys') {
    return {
      path,
      message: `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys
        .map((k) => `"${k}"`)
        .join(', ')}: check the spelling (the package README lists every option)`,
    }
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { path, message: `is required (${issue.expected})` }
  }
  if (issue.code === 'invalid_type') {
    return { path, message: `must be ${article(issue.expected)}, not ${describe(issue.input)}` }
  }
  return { path, message: issue.message }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`
}
