#!/usr/bin/env node
/**
 * `bearerguard-gateway --config gateway.yaml [--check]`: checks the configuration (and with
 * `--check` stops there), then serves the decision API and, if configured, the reverse proxy
 * until SIGTERM or SIGINT, which drain in-flight requests before exiting 0. A second signal
 * exits 1 at once, and so does a shutdown still unfinished one second after `shutdownTimeout`:
 * logs go to a sink that never blocks (see ops/stdout-destination.ts), so neither waits on
 * whoever reads stdout.
 * Exit codes: 0 fine, 1 failed to start (or a forced stop), 2 invalid configuration.
 */
import { Command } from 'commander'
import { GatewayConfigError } from './config/config-error.js'
import { loadConfig } from './config/load.js'
import { stdoutSink } from './ops/stdout-destination.js'
import { createGateway } from './gateway.js'

/** How long the last log lines get to reach stdout before the process exits. */
const FLUSH_MS = 250
/** How long after `shutdownTimeout` an unfinished shutdown is cut short. */
const GRACE_MS = 1_000

const program = new Command()
  .name('bearerguard-gateway')
  .description(
    'Verify OAuth 2.0 bearer tokens at the edge: forward-auth for nginx, Traefik and Envoy, or a reverse proxy',
  )
  .requiredOption('-c, --config <file>', 'the configuration file (YAML or JSON)')
  .option('--check', 'validate the configuration and exit')
  .showHelpAfterError()

program.parse()
const options = program.opts<{ config: string; check?: boolean }>()

let checked
try {
  checked = await loadConfig(options.config)
} catch (error) {
  if (error instanceof GatewayConfigError) {
    process.stderr.write(`${error.message}\n`)
    process.exit(2)
  }
  throw error
}

const { config } = checked
if (options.check) {
  const proxy = config.proxy
    ? `, proxy on ${config.proxy.host}:${config.proxy.port} → ${config.proxy.upstream}`
    : ''
  process.stdout.write(
    `${options.config}: valid (${config.rules.length} rule${config.rules.length === 1 ? '' : 's'}, decision API on ${config.api.host}:${config.api.port}${proxy})\n`,
  )
  process.exit(0)
}

const sink = stdoutSink()
const gateway = createGateway(checked, { logDestination: sink })
const { logger } = gateway
/** Exits once the last lines are written or FLUSH_MS has passed, whatever reads stdout. */
const exit = (code: number) => {
  void sink.flush(FLUSH_MS).then(() => process.exit(code))
}
try {
  const { api, proxy } = await gateway.listen()
  logger.info(
    { api: `${api.address}:${api.port}`, proxy: proxy && `${proxy.address}:${proxy.port}` },
    'listening',
  )
} catch (error) {
  logger.fatal({ err: { message: (error as Error).message } }, 'cannot listen')
  await gateway.close()
  exit(1)
}
gateway.guard.ready().then(
  () => logger.info('keys are warm'),
  (error: Error) =>
    logger.warn(
      { err: { message: error.message } },
      'the authorization server is not reachable yet',
    ),
)

let stopping = false
const stop = (signal: string) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now')
    process.exit(1) // at once: not even the log line is waited for
  }
  stopping = true
  const limitMs = config.shutdownTimeout * 1000 + GRACE_MS
  setTimeout(() => {
    logger.error({ limitMs }, 'shutdown did not finish in time: exiting now')
    process.exit(1)
  }, limitMs)
  logger.info({ signal }, 'shutting down: draining in-flight requests')
  gateway.close().then(
    () => {
      logger.info('stopped')
      exit(0)
    },
    (error: Error) => {
      logger.error({ err: { message: error.message } }, 'shutdown failed')
      exit(1)
    },
  )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
