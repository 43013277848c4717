/** bench/RESULTS.md and bench/results.json. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, release, totalmem } from 'node:os'
import { join } from 'node:path'
import type { CheckResult } from './checks.js'
import { bareOf, type Contender } from './contenders.js'
import type { SlotRecord, SummaryRow, TargetResult, TelemetryCostRow, Workload } from './summary.js'

export interface MachineInfo {
  cores: number
  cpuModel: string
  memoryGiB: number
  node: string
  kernel: string
  loadBefore: string
  loadAfter: string
  clockTicksPerSecond: number
  commit: string
  /** What bearerguard ran from: `built` (dist/, compiled by tsc) or `source` (tsx). */
  packages: string
  /** `git status --short packages/`: sources under test that differ from the commit. */
  uncommittedPackageFiles: string
  versions: Record<string, string>
}

export interface RunInfo {
  startedAt: string
  finishedAt: string
  totalS: number
  machine: MachineInfo
  /** Load average at the start of each round. */
  roundLoads: Array<{ round: number; load1: number; load5: number; load15: number; at: string }>
  parameters: {
    rounds: number
    slotS: number
    connections: number
    pipelining: number
    warmupS: number
    poolSize: number
    opaquePoolSize: number
    uniqueCap: number
    uniqueSigned: number
    uniqueSigningS: number
    workloads: string
  }
}

export interface Results {
  info: RunInfo
  contenders: readonly Contender[]
  checks: Array<{ contender: string; results: CheckResult[] }>
  records: SlotRecord[]
  rows: SummaryRow[]
  targets: TargetResult[]
  /** The telemetry variants of bearerguard-express next to it (empty when not run). */
  telemetry: TelemetryCostRow[]
  notes: string[]
}

const VERSIONED = [
  'express',
  'koa',
  '@koa/router',
  'express-oauth2-jwt-bearer',
  'express-jwt',
  'jwks-rsa',
  'koa-jwt',
  'fastify',
  '@fastify/jwt',
  'get-jwks',
  '@nestjs/core',
  'passport-jwt',
  'jose',
  'autocannon',
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-metrics',
]

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8' }).trimEnd()
  } catch {
    return 'unknown'
  }
}

function packageVersion(benchDir: string, name: string): string {
  try {
    const file = join(benchDir, 'node_modules', name, 'package.json')
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (match?.[1]) return match[1].trim()
  } catch {
    // not Linux: fall back to os.cpus()
  }
  return cpus()[0]?.model ?? 'unknown'
}

export const loadText = (load: number[]) => load.map((l) => l.toFixed(2)).join(' / ')

/** What the run ran on; taken at the start (`loadAfter` is filled in at the end). */
export function machineInfo(loadBefore: number[], clk: number): MachineInfo {
  const benchDir = join(import.meta.dirname, '..')
  const versions: Record<string, string> = {}
  for (const name of VERSIONED) versions[name] = packageVersion(benchDir, name)
  return {
    cores: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    loadBefore: loadText(loadBefore),
    loadAfter: '',
    clockTicksPerSecond: clk,
    commit: git(['rev-parse', '--short', 'HEAD'], benchDir),
    packages: '',
    uncommittedPackageFiles: git(['status', '--porcelain', '--', 'packages'], join(benchDir, '..'))
      .split('\n')
      .map((line) => line.slice(3).trim())
      .filter((line) => line !== '')
      .join(', '),
    versions,
  }
}

const int = (value: number) => Math.round(value).toLocaleString('en-US')
const num = (value: number | null, digits: number) => (value === null ? '—' : value.toFixed(digits))

const WORKLOAD_TITLES: Record<Workload, string> = {
  same: 'same — one token for every request',
  pool: 'pool — 1,000 distinct valid tokens, round-robin',
  unique: 'unique — every request a valid token this server has not seen before',
  invalid:
    'invalid — every request a distinct valid-looking token with a bad RS256 signature (must be 401)',
  opaque: 'opaque — 1,000 opaque tokens, introspection cache warm (bearerguard only)',
}

function workloadTable(workload: Workload, rows: readonly SummaryRow[]): string[] {
  const mine = rows.filter((r) => r.workload === workload)
  const lines = [
    `### ${WORKLOAD_TITLES[workload]}`,
    '',
    '| contender | req/s (median) | ÷ bare | CPU µs/req | auth CPU µs/req | server CPU % | req/s per round | non-2xx | unexpected status | errors | JWKS fetches | introspections |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of mine) {
    const ratio = r.bare
      ? '1.00 (baseline)'
      : `${num(r.ratioToBare, 2)} (${bareOf(r.family as never)})`
    lines.push(
      `| ${r.contender}${r.tokensExhausted ? ' (tokens exhausted)' : ''} | ${int(r.reqPerSecMedian)} | ${ratio} | ${num(r.cpuUsPerRequestMedian, 1)} | ${r.bare ? '—' : num(r.authCpuUsPerRequest, 1)} | ${num(r.serverCpuPercentMedian, 0)} | ${r.perRound} | ${int(r.non2xx)} | ${int(r.unexpected)} | ${int(r.errors)} | ${r.jwksFetches} | ${r.introspections} |`,
    )
  }
  lines.push('')
  return lines
}

function telemetryTable(rows: readonly TelemetryCostRow[]): string[] {
  if (rows.length === 0) return []
  const lines = [
    '## OpenTelemetry cost',
    '',
    'bearerguard-express without `@opentelemetry/api` in its process (absent: core takes the `telemetry: false` path) next to the same server with the API and no SDK (`-otel-api`: a span and metrics per request through the no-op global providers) and with an SDK registered (`-otel-sdk`: spans batched, metrics aggregated, exporters that drop). ÷ absent is paired round by round (median); auth CPU is over bare-express, paired, median, and its ratio is of those medians; Δ CPU is the variant’s CPU µs/req − the absent one’s, paired, median.',
    '',
    '| workload | variant | req/s | absent req/s | req/s ÷ absent | auth CPU µs/req | absent auth CPU µs/req | auth CPU ÷ absent | Δ CPU µs/req |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of rows) {
    lines.push(
      `| ${r.workload} | ${r.variant} | ${int(r.reqPerSec)} | ${int(r.absentReqPerSec)} | ${num(r.reqPerSecRatio, 2)} | ${num(r.authCpu, 1)} | ${num(r.absentAuthCpu, 1)} | ${num(r.authCpuRatio, 2)} | ${r.cpuDelta >= 0 ? '+' : ''}${num(r.cpuDelta, 1)} |`,
    )
  }
  lines.push('')
  return lines
}

function markdown(results: Results): string {
  const { info, rows, targets, checks, notes } = results
  const m = info.machine
  const p = info.parameters
  const workloads = p.workloads.split(',') as Workload[]
  const out: string[] = [
    '# bearerguard benchmark results',
    '',
    `Written by \`pnpm bench\` (bench/run.ts); see bench/README.md for the method.`,
    '',
    `- Date: ${info.startedAt} to ${info.finishedAt} (${info.totalS.toFixed(0)} s in all)`,
    `- Machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}; CLK_TCK ${m.clockTicksPerSecond}`,
    `- Load average (1 / 5 / 15 min): before ${m.loadBefore}; after ${m.loadAfter}; at the start of each round (1 min): ${info.roundLoads.map((r) => r.load1.toFixed(2)).join(', ')} (the machine runs other work: figures are comparable within this run only)`,
    `- Sources: commit ${m.commit}` +
      (m.uncommittedPackageFiles
        ? `, with uncommitted changes in ${m.uncommittedPackageFiles}`
        : '') +
      (m.packages === 'source'
        ? '; bearerguard ran from its TypeScript sources (tsx)'
        : '; bearerguard ran from its packages as built by tsc (dist/)'),
    `- Versions: ${Object.entries(m.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    `- Parameters: ${p.rounds} rounds; each round runs one ${p.slotS} s slot of every workload for every contender (contender order rotated each round); autocannon in the measuring process, ${p.connections} connections, pipelining ${p.pipelining}, loopback; ${p.warmupS} s untimed warm-up per contender; workloads ${p.workloads}`,
    `- Tokens: RS256 (2048-bit) from @bearerguard/testing's createTestIssuer; pool ${p.poolSize.toLocaleString('en-US')}; unique ${p.uniqueSigned.toLocaleString('en-US')} signed in ${p.uniqueSigningS.toFixed(1)} s (cap ${p.uniqueCap.toLocaleString('en-US')}); invalid ${p.uniqueCap.toLocaleString('en-US')}; opaque ${p.opaquePoolSize.toLocaleString('en-US')}`,
    '',
    'Columns: req/s is the median over rounds of responses ÷ slot duration; ÷ bare is the median over rounds of the contender’s req/s ÷ the bare framework’s (same family, same workload, same round: paired, so drift of the machine between rounds cancels out); CPU µs/req is the server process’s utime + stime over the slot (from /proc/<pid>/stat) ÷ requests sent, median over rounds; auth CPU µs/req is the median over rounds of that minus the bare framework’s of the same round; server CPU % is CPU time ÷ slot time (100 % = one core); JWKS fetches and introspections count requests the issuer received during the contender’s slots.',
    '',
    '## Targets',
    '',
    '| target | threshold | figures | result |',
    '| --- | --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.threshold} | ${t.figures} | ${t.status} |`),
    '',
    ...telemetryTable(results.telemetry),
    '## Figures',
    '',
  ]
  for (const workload of workloads) out.push(...workloadTable(workload, rows))

  out.push('## Answers checked before timing', '')
  out.push('| contender | checks |', '| --- | --- |')
  for (const { contender, results } of checks) {
    out.push(
      `| ${contender} | ${results
        .map((r) => `${r.name} → ${r.got}${r.ok ? '' : ` (expected ${r.expected}: FAILED)`}`)
        .join('; ')} |`,
    )
  }
  out.push('', '## Contenders', '')
  for (const c of results.contenders) out.push(`- **${c.name}**: ${c.description}`)
  out.push('', '## Notes', '')
  if (notes.length === 0) out.push('- none')
  for (const note of notes) out.push(`- ${note}`)
  out.push('')
  return out.join('\n')
}

/** Rounds floats so results.json stays readable (and free of exponents). */
function rounded(key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isInteger(value)) return value
  return Number(value.toFixed(key === 'ratioToBare' || key.endsWith('Ratio') ? 4 : 2))
}

export async function writeResults(outDir: string, results: Results): Promise<void> {
  await mkdir(outDir, { recursive: true })
  await writeFile(join(outDir, 'RESULTS.md'), markdown(results))
  const json = {
    info: results.info,
    contenders: results.contenders,
    checks: results.checks,
    summary: results.rows.map(({ byRound: _byRound, ...row }) => row), // slots hold the rounds
    targets: results.targets,
    telemetryCost: results.telemetry,
    slots: results.records,
    notes: results.notes.map((text) => ({ text })),
  }
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(json, rounded, 2)}\n`)
}
