/**
 * What a handler finally requires, from the records of its class chain: a method-level
 * `Public()` makes it public; otherwise every class-level requirement (its class's and its
 * ancestors') plus its own method-level ones; with none of those, a class-level `Public()`
 * makes it public; with nothing declared at all, it is undeclared.
 */
import type { RouteRequirement } from '../requirements/route-requirement.js'
import { recordChain, type Holder } from './requirement-records.js'

/**
 * A handler's resolved requirement: scope requirements and, from `RequireStepUp`, step-up
 * requirements (RFC 9470), all of which must be met.
 *
 * @example
 * ```ts
 * const r: HandlerRequirement = { public: false, requirements: [{ scopes: ['orders:read'], match: 'all' }] }
 * ```
 */
export type HandlerRequirement =
  { public: true } | { public: false; requirements: readonly RouteRequirement[] }

/** The effective requirement of `method` as seen from `holder`, or undefined when undeclared. */
export function effectiveRequirement(
  holder: Holder,
  method: string | symbol,
): HandlerRequirement | undefined {
  const chain = recordChain(holder)
  const methodDeclaration = chain.find((record) => record.methods.has(method))?.methods.get(method)
  if (methodDeclaration?.public) return { public: true }
  const requirements = [
    ...chain
      .slice()
      .reverse()
      .flatMap((record) => record.own.requirements),
    ...(methodDeclaration?.requirements ?? []),
  ]
  if (requirements.length > 0) return { public: false, requirements }
  if (chain.some((record) => record.own.public)) return { public: true }
  return undefined
}
