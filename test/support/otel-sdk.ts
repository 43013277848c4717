/**
 * The real OpenTelemetry SDK for tests, installed as an app's instrumentation would install it:
 * the AsyncLocalStorage context manager, a tracer provider exporting to memory, a meter
 * provider whose reader the test collects from. `install()` once per test file (globals);
 * `uninstall()` in afterAll.
 */
import * as api from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'

/** A reader collected on demand (no timer). */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface OtelSdk {
  readonly spans: InMemorySpanExporter
  /** Points of metric `name`: attributes and value (a counter's sum, a gauge's value, a histogram's count). */
  points(name: string): Promise<Array<{ attributes: api.Attributes; value: number }>>
  /** The value of `name` summed over points whose attributes include `attributes`. */
  total(name: string, attributes?: api.Attributes): Promise<number>
  /** Every attribute value of every metric point, as strings. */
  metricAttributeValues(): Promise<string[]>
  /** A server span around `fn`, as HTTP instrumentation starts one per request. */
  tracer: api.Tracer
  uninstall(): Promise<void>
}

export function installOtelSdk(): OtelSdk {
  const contextManager = new AsyncLocalStorageContextManager().enable()
  api.context.setGlobalContextManager(contextManager)
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  })
  api.trace.setGlobalTracerProvider(tracerProvider)
  const reader = new OnDemandReader()
  const meterProvider = new MeterProvider({ readers: [reader] })
  api.metrics.setGlobalMeterProvider(meterProvider)

  const allPoints = async () => {
    const { resourceMetrics } = await reader.collect()
    return resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.map((metric) => ({
        name: metric.descriptor.name,
        points: (metric.dataPoints as Array<DataPoint<number | Histogram>>).map((point) => ({
          attributes: point.attributes,
          value: typeof point.value === 'number' ? point.value : point.value.count,
        })),
      })),
    )
  }
  const points = async (name: string) =>
    (await allPoints()).filter((metric) => metric.name === name).flatMap((metric) => metric.points)
  return {
    spans,
    points,
    async total(name, attributes = {}) {
      let sum = 0
      for (const point of await points(name)) {
        const matches = Object.entries(attributes).every(([k, v]) => point.attributes[k] === v)
        if (matches) sum += point.value
      }
      return sum
    },
    async metricAttributeValues() {
      return (await allPoints()).flatMap((metric) =>
        metric.points.flatMap((point) => Object.values(point.attributes).map(String)),
      )
    },
    tracer: api.trace.getTracer('test-http-server'),
    async uninstall() {
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
      api.trace.disable()
      api.metrics.disable()
      api.context.disable()
    },
  }
}

/** Every string in a span: its name, attribute values, events' names and attribute values. */
export function spanStrings(span: ReadableSpan): string[] {
  return [
    span.name,
    ...Object.values(span.attributes).map(String),
    ...span.events.flatMap((event) => [
      event.name,
      ...Object.values(event.attributes ?? {}).map(String),
    ]),
    span.status.message ?? '',
  ]
}

/** The spans named `name`, oldest first. */
export function spansNamed(sdk: OtelSdk, name: string): ReadableSpan[] {
  return sdk.spans.getFinishedSpans().filter((span) => span.name === name)
}

/** The span's parent's id (SDK 2.x: `parentSpanContext`). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId
}
