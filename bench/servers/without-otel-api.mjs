/**
 * Preload (`node --import tsx --import ./servers/without-otel-api.mjs <server>`): makes
 * `@opentelemetry/api` unresolvable in this process (without-otel-api-hooks.mjs), so
 * bearerguard's core finds no API, as in an app without OpenTelemetry, although the workspace
 * has it installed. run.ts gives it to every contender but the `-otel-api` / `-otel-sdk`
 * variants. It checks itself before the server starts: the API must not import from here.
 */
import { register } from 'node:module'

register('./without-otel-api-hooks.mjs', import.meta.url)

const specifier = '@opentelemetry/api'
const imported = await import(specifier).then(
  () => undefined,
  (error) => error,
)
if (imported?.code !== 'ERR_MODULE_NOT_FOUND') {
  throw new Error(
    `bench: @opentelemetry/api is still importable despite without-otel-api-hooks.mjs (${imported ? imported.message : 'it imported'})`,
  )
}
