/** `pnpm conformance:doc`: writes docs/conformance.md from the conformance table. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ALL_ADAPTERS } from '../adapters/harness.js'
import { renderConformanceDoc } from './render-doc.js'

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs')
mkdirSync(docs, { recursive: true })
writeFileSync(
  join(docs, 'conformance.md'),
  renderConformanceDoc(ALL_ADAPTERS.map(([name]) => name)),
)
console.log('wrote docs/conformance.md')
