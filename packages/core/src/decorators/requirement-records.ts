/**
 * Where scope decorators record what they declare. A class's records live on a "holder":
 * its TC39 decorator metadata object (`Class[Symbol.metadata]`), or, for legacy
 * (`experimentalDecorators`) classes, an object of ours chained the same way, so a subclass
 * sees its parents' records through the prototype chain.
 */
import type { RouteRequirement } from '../requirements/route-requirement.js'

// TC39 decorator metadata needs Symbol.metadata, which Node 20 lacks. Symbol.for() gives the
// same symbol esbuild's and TypeScript's decorator helpers fall back to.
;(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata')

/** What one decorator (or a stack of them) declares, at class or method level. */
export interface Declaration {
  requirements: RouteRequirement[]
  public: boolean
}

/** A class's own record: its class-level declaration and its methods' declarations. */
export interface ClassRecord {
  own: Declaration
  methods: Map<string | symbol, Declaration>
}

/**
 * Any class (its constructor).
 *
 * @example
 * ```ts
 * const controllers: AnyClass[] = [OrdersController, UsersController]
 * ```
 */
export type AnyClass = abstract new (...args: never[]) => unknown

export type Holder = object
const RECORD = Symbol('bearerguard.requirements')
const legacyHolders = new WeakMap<AnyClass, Holder>()

/** The record a holder owns, created on first write. */
export function ownRecord(holder: Holder): ClassRecord {
  if (Object.hasOwn(holder, RECORD))
    return (holder as Record<symbol, ClassRecord>)[RECORD] as ClassRecord
  const record: ClassRecord = { own: { requirements: [], public: false }, methods: new Map() }
  Object.defineProperty(holder, RECORD, { value: record, enumerable: false })
  return record
}

/** The records of a holder and its ancestors, the holder's own first. */
export function recordChain(holder: Holder | null | undefined): ClassRecord[] {
  const chain: ClassRecord[] = []
  for (let h = holder; h; h = Object.getPrototypeOf(h) as Holder | null) {
    if (Object.hasOwn(h, RECORD))
      chain.push((h as Record<symbol, ClassRecord>)[RECORD] as ClassRecord)
  }
  return chain
}

/** The holder for a legacy-decorated class, chained to its parent class's holder. */
export function legacyHolder(target: AnyClass): Holder {
  const known = legacyHolders.get(target)
  if (known) return known
  const parent = Object.getPrototypeOf(target) as AnyClass | null
  const parentHolder = parent && parent !== Function.prototype ? holderOf(parent) : null
  const holder = Object.create(parentHolder) as Holder
  legacyHolders.set(target, holder)
  return holder
}

/** The holder of any class: its TC39 metadata, else its legacy holder. */
export function holderOf(target: AnyClass): Holder {
  const metadata = (target as { [Symbol.metadata]?: object | null })[
    Symbol.metadata as symbol & typeof Symbol.metadata
  ]
  return metadata ?? legacyHolder(target)
}
