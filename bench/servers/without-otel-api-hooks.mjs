/**
 * Module resolution hooks, run in node's loader thread (registered by without-otel-api.mjs):
 * `@opentelemetry/api` (and its subpaths) cannot be resolved, whoever imports it, as in an app
 * that does not have it installed. Every other specifier goes on to the next hook (tsx's, then
 * node's). It covers `import` and `import()`, which is how core loads the API; not `require()`.
 */
const HIDDEN = '@opentelemetry/api'

export async function resolve(specifier, context, nextResolve) {
  if (specifier === HIDDEN || specifier.startsWith(`${HIDDEN}/`)) {
    const error = new Error(
      `Cannot find package '${specifier}' imported from ${context.parentURL ?? 'the command line'} (hidden by bench/servers/without-otel-api-hooks.mjs)`,
    )
    error.code = 'ERR_MODULE_NOT_FOUND'
    throw error
  }
  return nextResolve(specifier, context)
}
