/**
 * The migration guides in docs/migrating/ are tested, not just written:
 * - each code block marked `<!-- file: … -->` is exactly that file of this folder;
 * - each guide's behaviour table (`| request | before | after |`) is what the before and after
 *   apps really answer, each built fresh for the request, against a real local authorization
 *   server (createTestIssuer), and a 200 carries the same body before and after.
 */
import { readFileSync } from 'node:fs'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestIssuer, type TestIssuer } from '@bearerguard/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MigrationConfig } from './config.js'
import { REQUESTS } from './requests.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const GUIDES = ['express-oauth2-jwt-bearer', 'express-jwt', 'koa-jwt']
const AUDIENCE = 'https://api.example.com'

interface Row {
  request: string
  before: number
  after: number
}

function behaviourTable(doc: string): Row[] {
  const lines = doc.split('\n')
  const start = lines.findIndex((line) => /^\| request +\| before +\| after +\|/.test(line))
  const rows: Row[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    const [request, before, after] = line
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.trim())
    rows.push({ request: request as string, before: Number(before), after: Number(after) })
  }
  return rows
}

/** `<!-- file: path -->` followed by a fenced block → [path, block]. */
function markedBlocks(doc: string): Array<[string, string]> {
  const pattern = /<!-- file: (\S+) -->\n+```ts\n([\s\S]*?)```/g
  return [...doc.matchAll(pattern)].map((m) => [m[1] as string, m[2] as string])
}

type AppFactory = (config: MigrationConfig) => { callback?: () => RequestListener }

async function answer(
  create: AppFactory,
  config: MigrationConfig,
  build: () => ReturnType<(typeof REQUESTS)[string]>,
) {
  const app = create(config)
  const handler = (typeof app.callback === 'function' ? app.callback() : app) as RequestListener
  const server = createServer(handler).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const request = await build()
  try {
    const { port } = server.address() as AddressInfo
    const res = await fetch(`http://127.0.0.1:${port}${request.path}`, { headers: request.headers })
    return {
      status: res.status,
      body: await res.text(),
      challenge: res.headers.get('www-authenticate'),
    }
  } finally {
    request.restore?.()
    server.closeAllConnections()
    server.close()
  }
}

let issuer: TestIssuer
let stranger: TestIssuer
let config: MigrationConfig
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE })
  stranger = await createTestIssuer({ audience: AUDIENCE })
  config = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE }
})
afterAll(async () => {
  await Promise.all([issuer.close(), stranger.close()])
})

describe.each(GUIDES)('docs/migrating/%s.md', (guide) => {
  const doc = readFileSync(join(root, 'docs', 'migrating', `${guide}.md`), 'utf8')

  it('shows the before and after files exactly as they are', () => {
    const blocks = markedBlocks(doc)
    expect(blocks.map(([path]) => path)).toEqual([
      `test/migrating/${guide}/before.ts`,
      `test/migrating/${guide}/after.ts`,
    ])
    for (const [path, block] of blocks) expect(block).toBe(readFileSync(join(root, path), 'utf8'))
  })

  const rows = behaviourTable(doc)

  it('has a behaviour table naming known requests', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8)
    for (const row of rows) expect(Object.keys(REQUESTS)).toContain(row.request)
  })

  it.each(rows.map((row) => [row.request, row] as const))(
    '%s: the table is what the apps answer',
    async (_name, row) => {
      // A path computed at run time: the before apps are type-checked on their own (see tsconfig).
      const before = (await import(join(here, guide, 'before.ts'))) as { createApp: AppFactory }
      const after = (await import(join(here, guide, 'after.ts'))) as { createApp: AppFactory }
      const build = () => (REQUESTS[row.request] as (typeof REQUESTS)[string])(issuer, stranger)
      const old = await answer(before.createApp, config, build)
      const now = await answer(after.createApp, config, build)
      expect({ before: old.status, after: now.status }).toEqual({
        before: row.before,
        after: row.after,
      })
      if (row.before === 200 && row.after === 200) expect(now.body).toBe(old.body)
      if (row.after === 401 || row.after === 403 || row.after === 400) {
        expect(now.challenge).toMatch(/^Bearer /)
      }
    },
  )
})
