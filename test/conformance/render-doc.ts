/** Renders docs/conformance.md from the conformance table, so the page can never drift from the tests. */
import { CASES, describeAnswer, type CaseContext, type ConformanceCase } from './cases.js'

/** What `guardFor` is shown with: only the option names are printed. */
const DOC_CONTEXT = {
  issuer: {
    url: 'https://as.example',
    origin: 'https://as.example',
    jwksUri: 'https://as.example/jwks',
  },
} as unknown as CaseContext

const escape = (text: string) => text.replace(/\|/g, '\\|')

/** The whole page, for the table `cases` run against the adapters named `adapters`. */
export function renderConformanceDoc(
  adapters: readonly string[],
  cases: readonly ConformanceCase[] = CASES,
): string {
  const names = adapters.map((name) =>
    name === 'gateway' ? '`@bearerguard/gateway` (reverse-proxy mode)' : name,
  )
  const listed = `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`
  const groups = [...new Set(cases.map((c) => c.group))]
  const sections = groups.map((group) => {
    const rows = cases
      .filter((c) => c.group === group)
      .map((c) => {
        const options = Object.keys({ ...c.guard, ...c.guardFor?.(DOC_CONTEXT) })
          .map((k) => `\`${k}\``)
          .join(', ')
        return `| ${escape(c.title)} | ${escape(c.ref)} | ${options} | ${describeAnswer(c)} |`
      })
    return [
      `## ${group}`,
      '',
      '| case | proves | guard options | answer |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n')
  })
  return [
    '# What bearerguard is proven to do',
    '',
    'Generated from `test/conformance/cases.ts` by `pnpm conformance:doc`; a test fails when this',
    'page and the table differ. Every case runs against',
    `${listed} through the same table`,
    `(${cases.length} cases × ${adapters.length} adapters), with a real local authorization`,
    'server (`@bearerguard/testing`). Every 400/401/403 is also checked for a `WWW-Authenticate`',
    'challenge with the right `error`, quoted and sanitised parameters and the JSON body; every',
    '503 for `Retry-After` and the absence of `invalid_token`.',
    '',
    'Outages (JWKS and discovery refused, slow, 500, HTML, huge, redirecting; key rotation under',
    'load; recovery) are in `test/adapters/outages.test.ts`, the introspection cache in',
    '`test/adapters/introspection.test.ts`, properties over whole requests in',
    '`test/adapters/fuzz.test.ts`, and interop with oidc-provider in `test/interop/`.',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n')
}
