/**
 * core's folders are layers: no folder imports another that imports it back, directly or
 * through others (DESIGN.md: "folders of core do not import each other in circles"). Concepts
 * (jwt/, keys/, dpop/, introspection/, …) take their settings as their own types; only
 * options/ (which resolves them), guard/ and adapter/ sit above them. The package's index
 * files only re-export and are left out.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')

/** folder → the folders its modules import (relative imports only), with one example each. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>()
  const files = readdirSync(src, { recursive: true, withFileTypes: true })
    .filter(
      (entry) =>
        entry.isFile() &&
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.d.ts') &&
        entry.name !== 'index.ts',
    )
    .map((entry) => join(entry.parentPath, entry.name))
  for (const file of files) {
    const from = relative(src, dirname(file)) || '.'
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles
    for (const { fileName } of imports) {
      if (!fileName.startsWith('.')) continue
      const to = relative(src, dirname(join(dirname(file), fileName))) || '.'
      if (to === from) continue
      const edges = graph.get(from) ?? new Map<string, string>()
      edges.set(to, `${relative(src, file)} imports ${fileName}`)
      graph.set(from, edges)
    }
  }
  return graph
}

/** Every cycle's folders, as strongly connected components of more than one folder. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const found: string[][] = []
  let next = 0
  const visit = (v: string) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string | undefined
      do {
        w = stack.pop() as string
        component.push(w)
      } while (w !== v)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

describe("core's folders", () => {
  const graph = folderGraph()
  it('are read (the parser finds the imports)', () => {
    expect(graph.get('guard')?.has('jwt')).toBe(true)
    expect(graph.size).toBeGreaterThan(10)
  })
  it('import each other in no circle', () => {
    const circles = cycles(graph).map((folders) =>
      folders.flatMap((a) =>
        folders.flatMap((b) => {
          const why = graph.get(a)?.get(b)
          return why ? [why] : []
        }),
      ),
    )
    expect(circles).toEqual([])
  })
  it('the concepts never import options/, guard/ or adapter/', () => {
    const above = new Set(['options', 'guard', 'adapter'])
    const wrong = [...graph]
      .filter(([from]) => !above.has(from))
      .flatMap(([, edges]) => [...edges].filter(([to]) => above.has(to)).map(([, why]) => why))
    expect(wrong).toEqual([])
  })
})
