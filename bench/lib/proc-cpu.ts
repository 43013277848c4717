/** CPU time of a process as the kernel counts it: utime + stime from /proc/<pid>/stat. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let clockTicks: number | undefined

/** `getconf CLK_TCK` (ticks per second of /proc/<pid>/stat), 100 if getconf fails. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    } catch {
      clockTicks = 100
    }
    if (!Number.isFinite(clockTicks) || clockTicks <= 0) clockTicks = 100
  }
  return clockTicks
}

/**
 * utime + stime of every thread of `pid` so far, in clock ticks. The command name (field 2) may
 * hold spaces, so fields are counted after its closing parenthesis: state is field 3, utime
 * field 14 and stime field 15.
 */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}
