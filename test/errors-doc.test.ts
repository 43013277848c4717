/**
 * Keeps docs/errors.md honest: every `AuthError` description the packages can produce (each
 * `new <AuthError subclass>(…)` in packages/\*\/src, and the constructors' defaults), and every
 * refusal of an ambiguous path or host (core's canonicalPath, the gateway), is listed in it,
 * every description it lists still exists, and every `AuthErrorCode` has a section.
 * Descriptions are read from the sources with the TypeScript parser, not by hand.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8')

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

interface ErrorClass {
  /** Index of the constructor's `description` parameter. */
  descriptionAt: number
  /** Its default, when it has one. */
  defaultDescription: string | undefined
}

/**
 * Every subclass of AuthError declared in packages/core/src/errors/auth-error.ts, with where its
 * constructor takes the description, so a new subclass is checked without touching this test.
 */
function errorClasses(): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>()
  const source = parse(join(root, 'packages/core/src/errors/auth-error.ts'))
  const bases = new Set(['AuthError'])
  for (const node of source.statements) {
    if (!ts.isClassDeclaration(node) || !node.name) continue
    const base = node.heritageClauses?.[0]?.types[0]?.expression.getText()
    if (base === undefined || !bases.has(base)) continue
    bases.add(node.name.text)
    const ctor = node.members.find(ts.isConstructorDeclaration)
    const at = ctor?.parameters.findIndex((p) => p.name.getText() === 'description') ?? -1
    const initializer = ctor?.parameters[at]?.initializer
    classes.set(node.name.text, {
      descriptionAt: at,
      defaultDescription:
        initializer && ts.isStringLiteral(initializer) ? initializer.text : undefined,
    })
  }
  return classes
}

const ERROR_CLASSES = errorClasses()

function constructorDefaults(): Description[] {
  return [...ERROR_CLASSES].flatMap(([error, c]) =>
    c.defaultDescription === undefined
      ? []
      : [
          {
            error,
            text: c.defaultDescription,
            pattern: new RegExp(escape(c.defaultDescription)),
            where: 'default',
          },
        ],
  )
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
          ERROR_CLASSES.has(node.expression.text)
        ) {
          const error = node.expression.text
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
          const where = `${relative(root, file)}:${line}`
          const arg = node.arguments?.[ERROR_CLASSES.get(error)?.descriptionAt ?? -1]
          if (arg) {
            const values = descriptionsOf(arg)
            if (!values && !forwardsCanonicalPathRefusal(arg, source)) {
              unreadable.push(`${where}: ${arg.getText()}`)
            }
            for (const v of values ?? []) {
              found.push({ error, text: v.text, pattern: new RegExp(v.pattern), where })
            }
          }
        }
        const refused = refusal(node)
        if (refused) {
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
          const where = `${relative(root, file)}:${line}`
          for (const v of descriptionsOf(refused) ?? []) {
            found.push({ error: 'refusal', text: v.text, pattern: new RegExp(v.pattern), where })
          }
        }
        ts.forEachChild(node, visit)
      }
      visit(source)
    }
  }
  return found
}

/**
 * An argument marked `/* a canonicalPath refusal *\/`: the reason core's canonicalPath gave,
 * passed on as it is (its `refuse('…')` texts are collected and checked on their own).
 */
function forwardsCanonicalPathRefusal(arg: ts.Expression, source: ts.SourceFile): boolean {
  const comments = ts.getTrailingCommentRanges(source.text, arg.getEnd()) ?? []
  return comments.some((c) => source.text.slice(c.pos, c.end) === '/* a canonicalPath refusal */')
}

/**
 * The description of a refusal that is not an AuthError: `refuse('…')` of core's
 * canonicalPath, or a gateway problem object `{ reason: 'ambiguous_…', description: '…' }`.
 */
function refusal(node: ts.Node): ts.Expression | undefined {
  if (ts.isCallExpression(node) && node.expression.getText() === 'refuse') return node.arguments[0]
  if (!ts.isObjectLiteralExpression(node)) return undefined
  const property = (name: string) =>
    node.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name,
    )?.initializer
  const reason = property('reason')
  if (!reason || !ts.isStringLiteral(reason) || !reason.text.startsWith('ambiguous_')) {
    return undefined
  }
  const description = property('description')
  return description && ts.isStringLiteral(description) ? description : undefined
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
    expect([...ERROR_CLASSES.keys()]).toEqual(
      expect.arrayContaining([
        'UnauthorizedError',
        'InvalidRequestError',
        'InvalidTokenError',
        'InsufficientScopeError',
        'AuthServerUnavailableError',
      ]),
    )
    for (const [name, c] of ERROR_CLASSES) expect(c.descriptionAt, name).toBeGreaterThanOrEqual(0)
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
