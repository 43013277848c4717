/**
 * No module of core's src needs Node at run time (DESIGN.md: core runs on Node, Bun, Deno and
 * Workers; no Node-only import at module load). Read from the sources: no import of a Node
 * builtin but `import type` (which TypeScript erases), no `import()` or `require()` of one, and
 * no use of a Node-only global (`Buffer`, `process`, `setImmediate`, …) — a name that resolves,
 * by the type checker, to a declaration of `@types/node`. Node's builtins are reached only
 * through `process.getBuiltinModule`, in `platform/node-builtins.ts`, and only by property.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const core = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(core, 'src')
const files = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => join(entry.parentPath, entry.name))

const BUILTINS = new Set(builtinModules)
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || BUILTINS.has(specifier)
const NODE_GLOBALS = new Set([
  'Buffer',
  'process',
  'global',
  'setImmediate',
  'clearImmediate',
  'require',
  'module',
  'exports',
  '__dirname',
  '__filename',
])

/** Each import of a Node builtin that stays in the JavaScript, as `line: text`. */
function runtimeBuiltinImports(source: ts.SourceFile): string[] {
  const found: string[] = []
  const report = (node: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
    found.push(`${line + 1}: ${node.getText(source).split('\n')[0]}`)
  }
  const builtinString = (node: ts.Node | undefined) =>
    node !== undefined && ts.isStringLiteralLike(node) && isBuiltin(node.text)
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && builtinString(node.moduleSpecifier)) {
      // `import { type X } from` keeps an import of the module: only `import type` is erased
      if (!node.importClause?.isTypeOnly) report(node)
    } else if (ts.isExportDeclaration(node) && builtinString(node.moduleSpecifier)) {
      if (!node.isTypeOnly) report(node)
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      builtinString(node.moduleReference.expression)
    ) {
      if (!node.isTypeOnly) report(node)
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      builtinString(node.arguments[0])
    ) {
      report(node)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const parse = (name: string, text: string) =>
  ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)

describe('the scan of imports', () => {
  it('finds every kind of run-time import of a builtin, and lets type-only ones and strings be', () => {
    const found = runtimeBuiltinImports(
      parse(
        'fixture.ts',
        [
          "import { createHash } from 'node:crypto'",
          "import 'node:fs'",
          "import { type KeyObject } from 'node:crypto'",
          "import * as path from 'path'",
          "export { hash } from 'node:crypto'",
          "import os = require('node:os')",
          "const c = await import('node:crypto')",
          "const b = require('buffer')",
          "import type { KeyObject as K } from 'node:crypto'",
          "export type { Hash } from 'node:crypto'",
          "const m = process.getBuiltinModule('node:crypto')",
          "import { compactVerify } from 'jose'",
        ].join('\n'),
      ),
    )
    expect(found.map((line) => Number(line.split(':')[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })
})

describe("core's sources", () => {
  it('are read', () => {
    expect(files.length).toBeGreaterThan(80)
    expect(files.some((file) => file.endsWith('platform/node-builtins.ts'))).toBe(true)
  })
  it('import no Node builtin at run time (import type is erased, and allowed)', () => {
    const found = files.flatMap((file) =>
      runtimeBuiltinImports(parse(file, readFileSync(file, 'utf8'))).map(
        (line) => `${relative(src, file)}:${line}`,
      ),
    )
    expect(found).toEqual([])
  })
  it('use no Node-only global (Buffer, process, setImmediate, …), as the type checker resolves names', () => {
    // the control: this test file, whose `controlUses` below uses Buffer and process
    const control = fileURLToPath(import.meta.url)
    const program = ts.createProgram([...files, control], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    })
    const checker = program.getTypeChecker()
    const fromNodeTypes = (declaration: ts.Declaration) =>
      declaration.getSourceFile().fileName.includes('/@types/node/')
    const uses = (file: string): string[] => {
      const found: string[] = []
      const source = program.getSourceFile(file) as ts.SourceFile
      const visit = (node: ts.Node): void => {
        if (ts.isTypeNode(node)) return // `typeof Buffer` in a type is erased
        if (
          ts.isIdentifier(node) &&
          NODE_GLOBALS.has(node.text) &&
          !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) &&
          checker.getSymbolAtLocation(node)?.declarations?.some(fromNodeTypes)
        ) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
          found.push(`${relative(src, file)}:${line + 1}: ${node.parent.getText(source)}`)
        }
        ts.forEachChild(node, visit)
      }
      visit(source)
      return found
    }
    expect(uses(control).length).toBeGreaterThan(0)
    expect(files.flatMap(uses)).toEqual([])
  })
})

// the control of the check above: Node-only globals, used at run time
export const controlUses = () => [typeof Buffer.from, typeof process.version]
