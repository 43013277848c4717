/**
 * A choice made once per runtime: which implementation of a helper to use, given the Node
 * builtins at hand. The hot paths call the returned getter on every use; it answers from memory
 * (one comparison) and chooses again only when the builtins change — which only tests do.
 */
import { nodeBuiltins, type NodeBuiltins } from './node-builtins.js'

/**
 * A getter of what `choose` returns for this runtime's Node builtins, chosen on the first call.
 *
 * @example
 * ```ts
 * const digest = perRuntime(({ crypto }) => (crypto ? viaNode(crypto) : viaNoble))
 * digest()(data)
 * ```
 */
export function perRuntime<T>(choose: (builtins: NodeBuiltins) => T): () => T {
  let chosenFor: NodeBuiltins | undefined
  let chosen: T
  return () => {
    const builtins = nodeBuiltins()
    if (builtins !== chosenFor) {
      chosen = choose(builtins)
      chosenFor = builtins
    }
    return chosen
  }
}
