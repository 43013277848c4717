/**
 * The rule table: method, host and path pattern → what the request needs. Rules are tried in
 * the order written and the first match wins; a request no rule matches is denied. Paths are
 * matched with path-to-regexp 8 against the canonical path (core's `canonicalPath`: escapes of
 * unreserved characters decoded, other escapes upper-cased, slashes merged, dot segments
 * resolved; ambiguous spellings never get here, they are refused), without the query string,
 * case-insensitively and with an optional trailing slash (path-to-regexp's defaults, as in
 * Express routing). A pattern must be written in that canonical form too, or it could never
 * match: that is a configuration error.
 */
import type { RouteRequirement } from '@bearerguard/core'
import {
  claimRequirement,
  roleRequirement,
  scopeRequirement,
  stepUpRequirement,
} from '@bearerguard/core/adapter'
import { match as compilePath } from 'path-to-regexp'
import type { ConfigIssue } from '../config/config-error.js'
import type { RuleConfig } from '../config/schema.js'

/**
 * What a matching rule asks for.
 *
 * @example
 * ```ts
 * const action: RuleAction = { kind: 'scopes', requirements: [{ scopes: ['orders:read'], match: 'all' }] }
 * ```
 */
export type RuleAction =
  /**
   * `requirements` go to `guard.authorize` as they are: the scopes, roles, claims and/or the
   * step-up; none for `authenticated` (authorize still refuses an anonymous caller).
   */
  | { kind: 'scopes' | 'authenticated'; requirements: readonly RouteRequirement[] }
  | { kind: 'public' }
  | { kind: 'deny' }

/**
 * One compiled rule.
 *
 * @example
 * ```ts
 * const rule = compileRules([{ path: '/orders', scopes: ['orders:read'] }], []).match('GET', 'api.example.com', '/orders')
 * rule?.index // 0
 * ```
 */
export interface Rule {
  /** Position in the configuration (0-based), for logs and metrics. */
  readonly index: number
  /** The path pattern as written. */
  readonly path: string
  readonly action: RuleAction
}

/**
 * The compiled rule table.
 *
 * @example
 * ```ts
 * const rules = compileRules(config.rules, issues)
 * const rule = rules.match('GET', 'api.example.com', '/orders/42')
 * ```
 */
export interface Rules {
  /** The first rule matching the request, or undefined (deny). */
  match(method: string, host: string, path: string): Rule | undefined
}

interface CompiledRule extends Rule {
  readonly methods: ReadonlySet<string> | undefined
  readonly hosts: readonly string[] | undefined
  readonly test: (path: string) => boolean
}

/**
 * Compiles the rules of a configuration; problems (a bad path pattern, a bad scope) go to
 * `issues` with the rule's path.
 *
 * @example
 * ```ts
 * const issues: ConfigIssue[] = []
 * const rules = compileRules([{ path: '/health', public: true }], issues)
 * ```
 */
export function compileRules(configs: readonly RuleConfig[], issues: ConfigIssue[]): Rules {
  const compiled: CompiledRule[] = []
  configs.forEach((config, index) => {
    const problem = patternProblem(config.path)
    if (problem) {
      issues.push({ path: `rules[${index}].path`, message: problem })
      return
    }
    let test: (path: string) => boolean
    try {
      const matcher = compilePath(config.path, { decode: false })
      test = (path) => matcher(path) !== false
    } catch (error) {
      issues.push({
        path: `rules[${index}].path`,
        message: `is not a valid path pattern (${(error as Error).message.split('\n')[0]}); use path-to-regexp 8 syntax, e.g. /orders/:id or /files/*path`,
      })
      return
    }
    const methods = config.methods ? new Set(config.methods) : undefined
    if (methods?.has('GET')) methods.add('HEAD')
    compiled.push({
      index,
      path: config.path,
      action: actionOf(config),
      methods,
      hosts: config.hosts,
      test,
    })
  })
  return {
    match(method, host, path) {
      const m = method.toUpperCase()
      const h = host.toLowerCase()
      for (const rule of compiled) {
        if (rule.methods && !rule.methods.has(m)) continue
        if (rule.hosts && !rule.hosts.some((pattern) => hostMatches(pattern, h))) continue
        if (rule.test(path)) return rule
      }
      return undefined
    },
  }
}

/**
 * Why a pattern is not in the canonical form requests are matched in (it would never match,
 * or match less than it says), or undefined.
 */
function patternProblem(pattern: string): string | undefined {
  if (pattern.includes('//'))
    return 'has "//": requests are matched with slashes merged; write one "/"'
  if (/\/\.\.?(?=[/{}]|$)/.test(pattern)) {
    return 'has a "." or ".." segment: requests are matched with dot segments resolved; write the path they lead to'
  }
  if (/;|%(?:2F|5C|3B|0[0-9A-F]|1[0-9A-F]|7F|25[0-9A-F]{2})/i.test(pattern)) {
    return 'has ";", an encoded "/" or "\\", a control character or a double escape: requests spelled so are refused (400), so it would never match'
  }
  for (const match of pattern.matchAll(/%([0-9A-Fa-f]{2})/g)) {
    const hex = match[1] as string
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    if (/^[A-Za-z0-9\-._~]$/.test(char)) {
      return `has "${match[0]}": requests are matched with it decoded; write "${char}"`
    }
    if (hex !== hex.toUpperCase()) {
      return `has "${match[0]}": requests are matched with escapes upper-cased; write "%${hex.toUpperCase()}"`
    }
  }
  if (/[^\x21-\x7e]/.test(pattern)) {
    return 'has a space, a control or a non-ASCII character: write it percent-encoded (UTF-8, upper-case hex), e.g. /caf%C3%A9'
  }
  return undefined
}

function actionOf(config: RuleConfig): RuleAction {
  if (config.public) return { kind: 'public' }
  if (config.deny) return { kind: 'deny' }
  const requirements: RouteRequirement[] = []
  if (config.scopes) {
    requirements.push(scopeRequirement(config.scopes, config.scopesMatch ?? 'all', 'rules'))
  }
  if (config.roles) requirements.push(roleRequirement(config.roles, 'all', 'rules roles'))
  if (config.anyRoles) requirements.push(roleRequirement(config.anyRoles, 'any', 'rules anyRoles'))
  if (config.claims) requirements.push(claimRequirement(config.claims, 'rules claims'))
  if (config.acrValues !== undefined || config.maxAge !== undefined) {
    requirements.push(
      stepUpRequirement({ acrValues: config.acrValues, maxAge: config.maxAge }, 'rules'),
    )
  }
  return { kind: config.scopes ? 'scopes' : 'authenticated', requirements }
}

/**
 * `api.example.com` matches that host on any port; `api.example.com:8443` that port only;
 * `*.example.com` any host ending in `.example.com` (not `example.com` itself).
 */
function hostMatches(pattern: string, host: string): boolean {
  const hasPort = /:\d+$/.test(pattern)
  const subject = hasPort ? host : host.replace(/:\d+$/, '')
  if (pattern.startsWith('*.')) return subject.endsWith(pattern.slice(1))
  return subject === pattern
}
