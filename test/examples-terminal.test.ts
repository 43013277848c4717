/**
 * `pnpm start` colours its output on a terminal only, and never with NO_COLOR set: the decision
 * as a function, and the example itself run under a real pseudo-terminal (util-linux `script`).
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { colourEnabled, formatCase, painter } from '../examples/express-api/src/terminal.js'

const ESC = '\x1b['
const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'express-api')

describe('colourEnabled', () => {
  it('colours a terminal when NO_COLOR is unset or empty', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true)
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true)
  })

  it('never colours with NO_COLOR set, whatever its value', () => {
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: 'false' })).toBe(false)
  })

  it('never colours a pipe or a file', () => {
    expect(colourEnabled({ isTTY: false }, {})).toBe(false)
    expect(colourEnabled({}, {})).toBe(false)
  })
})

describe('formatCase', () => {
  const curl = { status: 403, label: 'insufficient scope', command: 'curl -i http://x/api' }

  it('is the "# <status>: <label>" line and the command, plain without colours', () => {
    expect(formatCase(painter(false), curl)).toBe('# 403: insufficient scope\ncurl -i http://x/api')
  })

  it('colours the comment line only, so the command pastes as it is', () => {
    const [comment, command] = formatCase(painter(true), curl).split('\n')
    expect(comment).toContain(ESC)
    expect(comment).toContain('# 403: insufficient scope')
    expect(command).toBe('curl -i http://x/api')
  })
})

/** Runs the express-api example under a pseudo-terminal until it is ready; returns its output. */
async function outputOnATerminal(env: Record<string, string>): Promise<string> {
  const command = `${process.execPath} --conditions=@bearerguard/source --import tsx src/main.ts`
  // A process group of its own, so the example under `script` is stopped with it.
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: exampleDir,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 30_000)
      const poll = setInterval(() => {
        if (!output.includes('Ctrl+C')) return
        clearInterval(poll)
        clearTimeout(timer)
        resolve()
      }, 50)
      child.once('exit', (code) => {
        clearInterval(poll)
        clearTimeout(timer)
        reject(new Error(`exited with ${code}:\n${output}`))
      })
    })
    return output
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
    await exited
  }
}

describe('pnpm start on a terminal', () => {
  it('colours its output', async () => {
    const output = await outputOnATerminal({ NO_COLOR: '' })
    expect(output).toContain(ESC)
    expect(output).toContain('# 200: valid')
  })

  it('prints plain text when NO_COLOR is set', async () => {
    const output = await outputOnATerminal({ NO_COLOR: '1' })
    expect(output).not.toContain(ESC)
    for (const label of ['valid', 'opaque', 'missing', 'expired', 'insufficient scope']) {
      expect(output).toMatch(new RegExp(`^# \\d{3}: ${label}`, 'm'))
    }
  })
})
