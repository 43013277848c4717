/**
 * Keeps docs/errors.md honest: every `AuthError` description the packages can produce (each
 * `new <AuthError subclass>(…)` in packages/\*\/src, and the constructors' defaults) is listed
 * in it, every description it lists still exists, and every `AuthErrorCode` has a section.
 * Descriptions are read from the sources with the TypeScript parser, not by hand.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8')
const AUTH_ERRORS = new Set([
  'UnauthorizedError',
  'InvalidRequestError',
  'InvalidTokenError',
  'InsufficientScopeError',
  'AuthServerUnavailableError',
])

interface Description {
  error: string
  /** Matches the description; a template's `${…}` parts match any text. */
  pattern: RegExp
  text: string
  where: string
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The descriptions an expression can evaluate to, or undefined when it cannot be read. */
function descriptionsOf(node: ts.Expression): Array<{ text: string; pattern: string }> | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return [{ text: node.text, pattern: escape(node.text) }]
  }
  if (ts.isTemplateExpression(node)) {
    const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)]
    return [{ text: parts.join('…'), pattern: parts.map(escape).join('[^`]+') }]
  }
  if (ts.isConditionalExpression(node)) {
    const a = descriptionsOf(node.whenTrue)
    const b = descriptionsOf(node.whenFalse)
    return a && b ? [...a, ...b] : undefined
  }
  if (ts.isParenthesizedExpression(node)) return descriptionsOf(node.expression)
  return undefined
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
}

/** The default `description` of each AuthError subclass's constructor. */
function constructorDefaults(): Description[] {
  const file = join(root, 'packages/core/src/errors/auth-error.ts')
  const found: Description[] = []
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node) && node.name && AUTH_ERRORS.has(node.name.text)) {
      const error = node.name.text
      for (const member of node.members) {
        if (!ts.isConstructorDeclaration(member)) continue
        const param = member.parameters.find((p) => p.name.getText() === 'description')
        if (param?.initializer && ts.isStringLiteral(param.initializer)) {
          const text = param.initializer.text
          found.push({ error, text, pattern: new RegExp(escape(text)), where: 'default' })
        }
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(parse(file))
  return found
}

const unreadable: string[] = []
function constructedDescriptions(): Description[] {
  const found: Description[] = []
  const packages = join(root, 'packages')
  for (const pkg of readdirSync(packages)) {
    for (const file of sourceFiles(join(packages, pkg, 'src'))) {
      const source = parse(file)
      const visit = (node: ts.Node) => {
        if (
          ts.isNewExpression(node) &&
          ts.isIdentifier(node.expression) &&
          AUTH_ERRORS.has(node.expression.text)
        ) {
          const error = node.expression.text
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
          const where = `${relative(root, file)}:${line}`
          // InsufficientScopeError(requiredScopes, description?): the description is second.
          const arg = node.arguments?.[error === 'InsufficientScopeError' ? 1 : 0]
          if (arg) {
            const values = descriptionsOf(arg)
            if (!values) unreadable.push(`${where}: ${arg.getText()}`)
            for (const v of values ?? []) {
              found.push({ error, text: v.text, pattern: new RegExp(v.pattern), where })
            }
          }
        }
        ts.forEachChild(node, visit)
      }
      visit(source)
    }
  }
  return found
}

const descriptions = [...constructorDefaults(), ...constructedDescriptions()]

/**
 * The backquoted first column of the document's description tables (those whose header starts
 * with `| description`). A `<placeholder>` in them stands for any text without quotes.
 */
function documentedDescriptions(): string[] {
  const found: string[] = []
  let inTable = false
  for (const line of doc.split('\n')) {
    if (!line.startsWith('|')) inTable = false
    else if (/^\| description +\|/.test(line)) inTable = true
    const cell = inTable ? /^\| `([^`]+)` +\|/.exec(line) : null
    if (cell) found.push(cell[1] as string)
  }
  return found
}

const placeholderPattern = (text: string) =>
  new RegExp(
    `^${text
      .split(/<[a-z]+>/)
      .map(escape)
      .join('[^"]+')}$`,
  )

/** Whether a documented text stands for a description of the code (or the other way round). */
function covers(documented: string, d: Description): boolean {
  return (
    new RegExp(`^${d.pattern.source}$`).test(documented) ||
    placeholderPattern(documented).test(d.text)
  )
}

/** The string literals of `export type AuthErrorCode = …`. */
function errorCodes(): string[] {
  const source = parse(join(root, 'packages/core/src/errors/auth-error.ts'))
  const codes: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === 'AuthErrorCode') {
      const collect = (type: ts.Node) => {
        if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) {
          codes.push(type.literal.text)
        }
        ts.forEachChild(type, collect)
      }
      collect(node.type)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return codes
}

describe('docs/errors.md', () => {
  it('finds the descriptions in the sources (the parser still sees them)', () => {
    expect(unreadable).toEqual([])
    expect(descriptions.length).toBeGreaterThan(40)
    expect(descriptions.map((d) => d.text)).toContain('Token has expired')
  })

  it('lists every description the packages can produce, in backquotes', () => {
    const documented = documentedDescriptions()
    const missing = descriptions
      .filter((d) => !documented.some((text) => covers(text, d)))
      .map((d) => `${d.error} "${d.text}" (${d.where})`)
    expect(missing).toEqual([])
  })

  it('lists no description the packages no longer produce', () => {
    const stale = documentedDescriptions().filter(
      (text) => !descriptions.some((d) => covers(text, d)),
    )
    expect(stale).toEqual([])
  })

  it('has a section for every AuthErrorCode, and for the bare 401', () => {
    const codes = errorCodes()
    expect(codes).toEqual(
      expect.arrayContaining(['invalid_request', 'invalid_token', 'insufficient_scope']),
    )
    for (const code of codes) expect(doc).toMatch(new RegExp(`^## .*\`${code}\``, 'm'))
    expect(doc).toMatch(/^## 401 without an error code/m)
  })
})
