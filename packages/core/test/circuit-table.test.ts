/** The circuit states a gauge reports: kept 60 s after their last change, at most 1,000. */
import { describe, expect, it } from 'vitest'
import {
  CIRCUIT_REPORT_MAX,
  CIRCUIT_REPORT_MS,
  CircuitTable,
} from '../src/telemetry/circuit-table.js'

describe('CircuitTable', () => {
  it('reports each endpoint’s last state, 0 closed, 1 half-open, 2 open; ignores unknown states', () => {
    const table = new CircuitTable(() => 0)
    table.set('jwks', 'https://a/jwks', 'open')
    table.set('jwks', 'https://a/jwks', 'half-open')
    table.set('discovery', 'https://a', 'closed')
    table.set('introspection', 'https://a/i', 'sideways')
    expect(table.current()).toEqual([
      { purpose: 'jwks', endpoint: 'https://a/jwks', value: 1 },
      { purpose: 'discovery', endpoint: 'https://a', value: 0 },
    ])
  })

  it('drops an endpoint 60 s after its last change (one paused and still asked for changes every second)', () => {
    let now = 0
    const table = new CircuitTable(() => now)
    table.set('discovery', 'https://tenant-1', 'open')
    table.set('jwks', 'https://a/jwks', 'open')
    now = CIRCUIT_REPORT_MS - 1
    table.set('jwks', 'https://a/jwks', 'half-open')
    table.set('jwks', 'https://a/jwks', 'open')
    now = CIRCUIT_REPORT_MS + 1
    expect(table.current()).toEqual([{ purpose: 'jwks', endpoint: 'https://a/jwks', value: 2 }])
  })

  it('keeps at most 1,000 endpoints, the oldest change dropped first (tenants cannot grow it)', () => {
    const table = new CircuitTable(() => 0)
    for (let i = 0; i < CIRCUIT_REPORT_MAX + 500; i++)
      table.set('discovery', `https://t${i}`, 'open')
    const current = table.current()
    expect(current).toHaveLength(CIRCUIT_REPORT_MAX)
    expect(current[0]?.endpoint).toBe('https://t500')
  })
})
