/**
 * Node's `crypto` module and `Buffer`, where the runtime has them — Node, Bun, Deno, and
 * Cloudflare Workers with `nodejs_compat` — found once through `process.getBuiltinModule`
 * (Node ≥ 20.16), never imported: a module that imports `node:crypto` fails to load where there
 * is none (Workers without `nodejs_compat`, a browser), and a dynamic `import()` would make every
 * caller asynchronous. Where they are missing, the helpers of this folder use web APIs
 * (`crypto.getRandomValues`, `TextEncoder`, `atob`) and `@noble/hashes` instead.
 *
 * What is found here is not trusted blindly: a helper checks node:crypto against a known answer
 * before it uses it, and the signature fast path proves itself on known keys
 * (`jwt/signature-fast-path.ts`) before any token is decided by it.
 */
import type * as NodeCryptoModule from 'node:crypto'

/**
 * The `node:crypto` module.
 *
 * @example
 * ```ts
 * const crypto: NodeCrypto | undefined = nodeBuiltins().crypto
 * ```
 */
export type NodeCrypto = typeof NodeCryptoModule

/**
 * Node's `Buffer` class.
 *
 * @example
 * ```ts
 * const NodeBuffer: NodeBuffer | undefined = nodeBuiltins().Buffer
 * ```
 */
export type NodeBuffer = typeof Buffer

/**
 * The Node builtins this runtime has; each is undefined where it is missing.
 *
 * @example
 * ```ts
 * const { crypto, Buffer } = nodeBuiltins()
 * ```
 */
export interface NodeBuiltins {
  readonly crypto: NodeCrypto | undefined
  readonly Buffer: NodeBuffer | undefined
}

let builtins: NodeBuiltins | undefined

/**
 * The Node builtins of this runtime, looked up on the first call and kept (the same object on
 * every call, until a test overrides them).
 *
 * @example
 * ```ts
 * const crypto = nodeBuiltins().crypto
 * if (crypto) crypto.hash('sha256', 'abc', 'base64url')
 * ```
 */
export function nodeBuiltins(): NodeBuiltins {
  return (builtins ??= lookUp())
}

/**
 * For tests only: the helpers behave from now on as on a runtime with these builtins (one left
 * out is absent: `{}` is a runtime without Node's), or, given `'runtime'`, as on this one again.
 *
 * @example
 * ```ts
 * overrideNodeBuiltins({}) // as on Workers without nodejs_compat
 * try { … } finally { overrideNodeBuiltins('runtime') }
 * ```
 */
export function overrideNodeBuiltins(override: Partial<NodeBuiltins> | 'runtime'): void {
  builtins =
    override === 'runtime'
      ? undefined
      : Object.freeze({ crypto: override.crypto, Buffer: override.Buffer })
}

function lookUp(): NodeBuiltins {
  const crypto = builtin('node:crypto') as Partial<NodeCrypto> | undefined
  const buffer = builtin('node:buffer') as { Buffer?: Partial<NodeBuffer> } | undefined
  return Object.freeze({
    crypto: typeof crypto?.createHash === 'function' ? (crypto as NodeCrypto) : undefined,
    Buffer: typeof buffer?.Buffer?.from === 'function' ? (buffer.Buffer as NodeBuffer) : undefined,
  })
}

/** A builtin module by id, or undefined where the runtime has no such thing (or refuses). */
function builtin(id: string): unknown {
  try {
    return (
      globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
    ).process?.getBuiltinModule?.(id)
  } catch {
    return undefined
  }
}
