/** Options are checked at construction; each error names the option. No Redis needed. */
import { GuardOptionError } from '@bearerguard/core'
import { describe, expect, it } from 'vitest'
import { reconnectDelay, MAX_RECONNECT_DELAY } from '../src/connection.js'
import { decodeEntry, encodeEntry } from '../src/entry-codec.js'
import { createRedisStore, REDIS_STORE_DEFAULTS, type RedisStoreOptions } from '../src/index.js'
import { resolveRedisStoreOptions } from '../src/options.js'

const rejects = (options: unknown, option: string, message: RegExp) => {
  let caught: unknown
  try {
    createRedisStore(options as RedisStoreOptions)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(GuardOptionError)
  expect((caught as GuardOptionError).option).toBe(option)
  expect((caught as Error).message).toMatch(message)
  expect((caught as Error).message).toContain(`"${option}"`)
}

describe('option validation', () => {
  it.each([
    [{ url: 'http://127.0.0.1:6379' }, 'url', /redis:\/\/ or rediss:\/\//],
    [{ url: 'not a url' }, 'url', /must be a URL/],
    [{ url: '' }, 'url', /non-empty string/],
    [{ url: 6379 }, 'url', /non-empty string/],
    [{ client: {} }, 'client', /ioredis client/],
    [{ client: 'redis://x' }, 'client', /ioredis client/],
    [{ keyPrefix: '' }, 'keyPrefix', /non-empty string/],
    [{ channel: 42 }, 'channel', /non-empty string/],
    [{ commandTimeout: 0 }, 'commandTimeout', /positive number of milliseconds/],
    [{ commandTimeout: -5 }, 'commandTimeout', /positive/],
    [{ commandTimeout: Infinity }, 'commandTimeout', /positive/],
    [{ commandTimeout: '200' }, 'commandTimeout', /positive/],
    [{ memory: true }, 'memory', /object \{ max\?, ttl\? \} or false/],
    [{ memory: { max: 0 } }, 'memory.max', /positive number of entries/],
    [{ memory: { max: 1.5 } }, 'memory.max', /whole number/],
    [{ memory: { ttl: -1 } }, 'memory.ttl', /milliseconds/],
    [{ memory: { maxSize: 10 } }, 'memory.maxSize', /not an option.*max, ttl/],
    [{ logger: {} }, 'logger', /warn\(message\)/],
    [{ logger: { warn: () => {}, info: 'yes' } }, 'logger.info', /function/],
    [{ ttl: 5000 }, 'ttl', /not an option; known options: url, client/],
    [null, 'options', /must be an object/],
    [[], 'options', /must be an object/],
  ])('%j → %s', (options, option, message) => rejects(options, option, message))

  it('refuses url and client together', () => {
    const client = {
      status: 'ready',
      ...Object.fromEntries(
        ['get', 'set', 'pttl', 'multi', 'duplicate', 'on', 'off'].map((m) => [m, () => {}]),
      ),
    }
    rejects({ url: 'redis://127.0.0.1:6379', client }, 'client', /together with "url"/)
  })

  it('fills in the defaults', () => {
    const resolved = resolveRedisStoreOptions({})
    expect(resolved).toMatchObject({
      url: 'redis://127.0.0.1:6379',
      client: undefined,
      keyPrefix: 'bearerguard:',
      memory: { max: 10_000, ttl: 5_000 },
      channel: 'bearerguard:revocations',
      commandTimeout: REDIS_STORE_DEFAULTS.commandTimeout,
      logger: console,
    })
    expect(resolveRedisStoreOptions(undefined).commandTimeout).toBe(200)
    expect(resolveRedisStoreOptions({ keyPrefix: 'api:' }).channel).toBe('api:revocations')
    expect(resolveRedisStoreOptions({ memory: false }).memory).toBe(false)
    expect(resolveRedisStoreOptions({ memory: { ttl: 100 } }).memory).toEqual({
      max: 10_000,
      ttl: 100,
    })
    expect(resolveRedisStoreOptions({ url: 'rediss://user:pw@cache:6380/2' }).url).toBe(
      'rediss://user:pw@cache:6380/2',
    )
  })
})

describe('reconnection backoff', () => {
  it('grows from 50 ms, is capped, and never gives up', () => {
    for (let attempt = 1; attempt < 1_000; attempt++) {
      const delay = reconnectDelay(attempt)
      expect(typeof delay).toBe('number')
      expect(delay).toBeGreaterThanOrEqual(Math.min(50 * 2 ** (attempt - 1), MAX_RECONNECT_DELAY))
      expect(delay).toBeLessThan(MAX_RECONNECT_DELAY + 100)
    }
  })
})

describe('stored values', () => {
  it('decodes exactly what was encoded, and nothing malformed', () => {
    const entry = { active: true as const, issuer: 'https://as', claims: { sub: 'a', n: 1 } }
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry)
    expect(decodeEntry(encodeEntry({ active: false }))).toEqual({ active: false })
    expect(decodeEntry('{"active":false,"extra":1}')).toEqual({ active: false })
    for (const bad of [
      '',
      'null',
      '[]',
      '"x"',
      '{}',
      '{"active":true}',
      '{"active":true,"issuer":1,"claims":{}}',
      '{"active":true,"issuer":"i","claims":[]}',
    ]) {
      expect(decodeEntry(bad)).toBeUndefined()
    }
  })
})
