/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, a `.cpuprofile` file): where the time went,
 * as Markdown tables.
 *
 *   pnpm exec tsx bench/lib/profile-summary.ts <profile.cpuprofile> [--top 15] [--inclusive 10]
 *     [--own <regexp>] [--cut <regexp>] [--skip-startup] [--from-ms <ms>] [--to-ms <ms>]
 *     [--requests <n>]
 *
 * - **Self time** per function (grouped by name, file and position, whatever the call path):
 *   the `--top` functions, each with its share of the busy time (busy = sampled time − idle).
 * - **Inclusive time** (the function and everything it called, counted once per sample even
 *   when recursive) of the `--inclusive` heaviest functions whose file matches `--own`
 *   (default: bearerguard's core, express and koa sources). A middleware calls the rest of the
 *   route through `next()`, so its inclusive time holds the route's too: the column "to next"
 *   leaves out what runs below a frame named by `--cut` (default `next` and `dispatch`, Express'
 *   and Koa's way on), and the header gives the busy share under bearerguard's frames so cut.
 *   A third table splits that share by the innermost `--own` frame of each sample (its self
 *   time plus what it calls outside `--own`): the rows add up to the share.
 * - Self time **by origin**: bearerguard packages, each npm package, node internals, V8
 *   builtins, GC, `(program)`; and the shares of idle and garbage collection.
 * - A timeline (busy % per second), to choose `--from-ms` / `--to-ms`; times are from the
 *   first sample. `--skip-startup` starts the window after the first second that is less than
 *   10 % busy (a bench server starts, then waits for the others and for the measuring process).
 * - `--requests <n>`: requests answered in the window, to print µs per request next to %.
 *
 * bench servers run TypeScript through tsx, which hands V8 whitespace-minified code: the
 * profile's positions are in that code. They are mapped back to the `.ts` line with the source
 * map tsx kept in its cache (`$TMPDIR/tsx-<uid>/`, the newest entry for the file); without one
 * the position is printed as `@line:column` of the generated code (e.g. esbuild's `__name`
 * helper, which tsx adds to keep function names). bearerguard's packages as built by tsc
 * (`packages/<name>/dist/*.js`, the bench's default) are mapped the same way through the
 * `.js.map` tsc writes next to each file, so their frames read `packages/<name>/src/….ts:<line>`
 * as with `--packages source`; a `dist/` file without its map keeps its `.js` line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { SourceMap, type SourceMapPayload } from 'node:module'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}

interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

interface Frame {
  name: string
  where: string
  origin: string
  self: number
  total: number
  /** Inclusive time up to the first `--cut` frame below it. */
  toNext: number
  /** Time of samples whose innermost `--own` frame this is (its self time + non-own callees). */
  charged: number
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '15' },
    inclusive: { type: 'string', default: '10' },
    own: { type: 'string', default: '/packages/(core|express|koa)/' },
    cut: { type: 'string', default: '^(next|dispatch)$' },
    'skip-startup': { type: 'boolean', default: false },
    'from-ms': { type: 'string', default: '0' },
    'to-ms': { type: 'string', default: 'Infinity' },
    requests: { type: 'string' },
  },
})
const file = positionals[0]
if (!file) {
  process.stderr.write('usage: tsx bench/lib/profile-summary.ts <profile.cpuprofile> [options]\n')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
const own = new RegExp(values.own)
const cut = new RegExp(values.cut)
let fromUs = Number(values['from-ms']) * 1000
const toUs = Number(values['to-ms']) * 1000
const requests = values.requests === undefined ? undefined : Number(values.requests)

/** Source maps of the TypeScript files tsx transformed, by absolute path (newest entry). */
function tsxSourceMaps(): Map<string, SourceMap> {
  const maps = new Map<string, { at: number; map: SourceMapPayload }>()
  const dir = join(tmpdir(), `tsx-${userInfo().uid}`)
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {
    return new Map()
  }
  for (const name of names) {
    try {
      const path = join(dir, name)
      const entry = JSON.parse(readFileSync(path, 'utf8')) as { map?: SourceMapPayload }
      const source = entry.map?.sources?.[0]
      const at = statSync(path).mtimeMs
      if (entry.map && source && at > (maps.get(source)?.at ?? -1)) {
        maps.set(source, { at, map: entry.map })
      }
    } catch {
      // not a cache entry of this shape: skipped
    }
  }
  return new Map([...maps].map(([source, { map }]) => [source, new SourceMap(map)]))
}

const sourceMaps = tsxSourceMaps()

/** The `.js.map` next to a compiled `.js` file (tsc's `sourceMap`), by path; null: none. */
const compiledMaps = new Map<string, SourceMap | null>()
function compiledMap(path: string): SourceMap | null {
  let map = compiledMaps.get(path)
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as SourceMapPayload)
    } catch {
      map = null
    }
    compiledMaps.set(path, map)
  }
  return map
}

/**
 * The source position (path, 1-based line) of a position in the code V8 ran: through tsx's map
 * of a `.ts` file, or through tsc's `.js.map` of a bearerguard package's `dist/` file.
 */
function sourceOf(ran: string, line: number, column: number): [string, string] | undefined {
  const tsx = sourceMaps.get(ran)
  const compiled =
    !tsx && !ran.includes('/node_modules/') && /\/packages\/[^/]+\/dist\/.*\.js$/.test(ran)
      ? compiledMap(ran)
      : null
  const map = tsx ?? compiled
  const entry = map?.findEntry(line, column)
  if (!map || !entry || !('originalLine' in entry)) return undefined
  const path = compiled
    ? resolve(dirname(ran), compiled.payload.sourceRoot ?? '', entry.originalSource)
    : ran
  return [path, String(entry.originalLine + 1)]
}

/** `file:line` as a reader finds it: repository-relative, npm packages by name, .ts lines. */
function locate({ url, lineNumber, columnNumber }: CallFrame): string {
  if (url === '') return '(native)'
  if (!url.startsWith('file://')) return url // node:internal/…
  const ran = fileURLToPath(url)
  // a .ts file without its map: the position in the code V8 ran, marked with @
  const [path, line] = sourceOf(ran, lineNumber, columnNumber) ?? [
    ran,
    /\.[cm]?tsx?$/.test(ran) ? `@${lineNumber + 1}:${columnNumber + 1}` : String(lineNumber + 1),
  ]
  const short = path.includes('/node_modules/')
    ? path.slice(path.lastIndexOf('/node_modules/') + '/node_modules/'.length)
    : path.replace(/^.*?\/(packages|bench)\//, '$1/')
  return `${short}:${line}`
}

/** Who the time is charged to, for the table by origin. */
function originOf({ functionName, url }: CallFrame): string {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : 'V8 builtins and native code'
  }
  const pkg = /\/packages\/([^/]+)\//.exec(url)
  if (pkg && !url.includes('/node_modules/')) return `@bearerguard/${pkg[1]}`
  if (url.includes('/bench/servers/')) return 'bench server file'
  const dep = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (dep) return `npm: ${dep[1]}`
  return url.startsWith('node:') ? 'node internals' : url
}

// sample times (µs from the first sample) and weights (the time until the next sample; the
// last one gets the mean interval)
const times: number[] = []
let clock = 0
for (let i = 0; i < profile.samples.length; i++) {
  clock += i === 0 ? 0 : (profile.timeDeltas[i] ?? 0)
  times.push(clock)
}
const meanDelta = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length)
const weight = (i: number) => profile.timeDeltas[i + 1] ?? meanDelta
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const isIdle = (id: number) => byId.get(id)?.callFrame.functionName === '(idle)'

if (values['skip-startup']) {
  const busyPerSecond: number[] = []
  profile.samples.forEach((id, i) => {
    const second = Math.floor((times[i] as number) / 1e6)
    busyPerSecond[second] = (busyPerSecond[second] ?? 0) + (isIdle(id) ? 0 : weight(i))
  })
  const quiet = [...busyPerSecond.keys()].find((s) => (busyPerSecond[s] ?? 0) < 0.1e6)
  fromUs = Math.max(fromUs, ((quiet ?? 0) + 1) * 1e6)
}

const weightOf = new Map<number, number>()
const timeline: number[] = []
/** Samples (not time) of the garbage collector and of busy code: less skewed by preemption. */
let gcSamples = 0
let busySamples = 0
profile.samples.forEach((id, i) => {
  const since = times[i] as number
  if (since < fromUs || since > toUs) return
  if (!isIdle(id)) busySamples++
  if (byId.get(id)?.callFrame.functionName === '(garbage collector)') gcSamples++
  weightOf.set(id, (weightOf.get(id) ?? 0) + weight(i))
  const second = Math.floor(since / 1e6)
  timeline[second] = (timeline[second] ?? 0) + (isIdle(id) ? 0 : weight(i))
})

const parentOf = new Map<number, number>()
for (const node of profile.nodes) {
  for (const child of node.children ?? []) parentOf.set(child, node.id)
}

const frames = new Map<string, Frame>()
function frameOf(callFrame: CallFrame): Frame {
  const key = `${callFrame.functionName}|${callFrame.url}|${callFrame.lineNumber}|${callFrame.columnNumber}`
  let frame = frames.get(key)
  if (!frame) {
    frame = {
      // a RegExp frame is named by its source, which may hold a | (a Markdown table's column)
      name: (callFrame.functionName || '(anonymous)').replaceAll('|', '\\|'),
      where: locate(callFrame),
      origin: originOf(callFrame),
      self: 0,
      total: 0,
      toNext: 0,
      charged: 0,
    }
    frames.set(key, frame)
  }
  return frame
}

let sampled = 0
let idle = 0
/** Busy time with a bearerguard frame on the stack before any `--cut` frame. */
let underOwn = 0
for (const [id, w] of weightOf) {
  const node = byId.get(id) as ProfileNode
  sampled += w
  if (isIdle(id)) idle += w
  frameOf(node.callFrame).self += w
  const seen = new Set<Frame>()
  let crossed = false
  let charged = false
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const frame = frameOf((byId.get(at) as ProfileNode).callFrame)
    const mine = own.test(`/${frame.where}`)
    if (!seen.has(frame)) {
      frame.total += w
      if (!crossed) frame.toNext += w
    }
    seen.add(frame)
    if (mine && !crossed && !charged) {
      underOwn += w
      frame.charged += w
      charged = true
    }
    if (!mine && cut.test(frame.name)) crossed = true
  }
}

const busy = sampled - idle
const pct = (us: number) => `${((100 * us) / busy).toFixed(1)} %`
const perRequest = (us: number) =>
  requests === undefined ? '' : ` ${(us / requests).toFixed(1)} |`
const perRequestHead = requests === undefined ? '' : ' µs/req |'
const perRequestRule = requests === undefined ? '' : ' ---: |'
const gc = [...frames.values()]
  .filter((f) => f.name === '(garbage collector)')
  .reduce((sum, f) => sum + f.self, 0)
const out: string[] = []
const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`

out.push(`Profile: ${file}`)
out.push(
  `Window: ${fromUs / 1000} ms to ${values['to-ms']} ms after the first sample; ` +
    `sampled ${ms(sampled)}, idle ${ms(idle)} (${((100 * idle) / sampled).toFixed(1)} % of sampled), ` +
    `busy ${ms(busy)}; garbage collector ${pct(gc)} of busy time ` +
    `(${((100 * gcSamples) / Math.max(1, busySamples)).toFixed(1)} % of busy samples)` +
    (requests === undefined
      ? ''
      : `; ${requests} requests, ${(busy / requests).toFixed(1)} µs busy each`),
)
out.push(
  `Under frames matching ${own} (up to ${cut}): ${pct(underOwn)} of busy` +
    (requests === undefined ? '' : `, ${(underOwn / requests).toFixed(1)} µs per request`),
)
out.push(
  `Timeline (busy % per second): ${[...timeline.keys()]
    .map((second) => Math.round((timeline[second] ?? 0) / 1e4))
    .join(' ')}`,
)
out.push('')
out.push(`Top ${values.top} functions by self time (% of busy time):`)
out.push('')
out.push(`| function | file:line | self |${perRequestHead} total |`)
out.push(`| --- | --- | ---: |${perRequestRule} ---: |`)
const bySelf = [...frames.values()]
  .filter((f) => f.name !== '(idle)')
  .sort((a, b) => b.self - a.self)
for (const f of bySelf.slice(0, Number(values.top))) {
  out.push(`| \`${f.name}\` | ${f.where} | ${pct(f.self)} |${perRequest(f.self)} ${pct(f.total)} |`)
}
out.push('')
out.push(
  `Top ${values.inclusive} functions matching ${own} by inclusive time up to ${cut} (% of busy time):`,
)
out.push('')
out.push(`| function | file:line | total | to next |${perRequestHead} self |`)
out.push(`| --- | --- | ---: | ---: |${perRequestRule} ---: |`)
const ownFrames = [...frames.values()]
  .filter((f) => own.test(`/${f.where}`))
  .sort((a, b) => b.toNext - a.toNext)
for (const f of ownFrames.slice(0, Number(values.inclusive))) {
  out.push(
    `| \`${f.name}\` | ${f.where} | ${pct(f.total)} | ${pct(f.toNext)} |${perRequest(f.toNext)} ${pct(f.self)} |`,
  )
}
out.push('')
out.push(
  `That time split by the innermost frame matching ${own} on the stack ` +
    '(its self time and what it calls that does not match; % of busy time):',
)
out.push('')
out.push(`| function | file:line | charged |${perRequestHead}`)
out.push(`| --- | --- | ---: |${perRequestRule}`)
for (const f of [...ownFrames]
  .sort((a, b) => b.charged - a.charged)
  .slice(0, Number(values.inclusive))) {
  out.push(`| \`${f.name}\` | ${f.where} | ${pct(f.charged)} |${perRequest(f.charged)}`)
}
out.push('')
out.push('Self time by origin (% of busy time):')
out.push('')
out.push(`| origin | self |${perRequestHead}`)
out.push(`| --- | ---: |${perRequestRule}`)
const origins = new Map<string, number>()
for (const f of bySelf) origins.set(f.origin, (origins.get(f.origin) ?? 0) + f.self)
for (const [origin, self] of [...origins].sort((a, b) => b[1] - a[1])) {
  if (self > 0) out.push(`| ${origin} | ${pct(self)} |${perRequest(self)}`)
}
process.stdout.write(`${out.join('\n')}\n`)
