/**
 * The OpenTelemetry SDK as an app's instrumentation file (or NodeSDK) installs it, for the
 * `bearerguard-express-otel-sdk` contender: the AsyncLocalStorage context manager, a tracer
 * provider with a `BatchSpanProcessor` (default batching), a meter provider with a
 * `PeriodicExportingMetricReader` (default 60 s interval), all set as the global providers
 * before the app is made. The exporters drop what they get and only count it, so the figures
 * are the cost of recording (spans, metric points, batching) without any network or
 * serialization: a real exporter (OTLP) costs more on top, off the request path.
 */
import * as api from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'

type SpanExportDone = Parameters<SpanExporter['export']>[1]
type MetricExportDone = Parameters<PushMetricExporter['export']>[1]

/** Drops spans; counts them by name (once per exported batch, off the request path). */
class CountingSpanExporter implements SpanExporter {
  readonly exported = new Map<string, number>()

  export(spans: ReadableSpan[], done: SpanExportDone): void {
    for (const span of spans) this.exported.set(span.name, (this.exported.get(span.name) ?? 0) + 1)
    done({ code: 0 }) // ExportResultCode.SUCCESS
  }

  shutdown(): Promise<void> {
    return Promise.resolve()
  }

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }
}

/** Drops metrics; keeps, of the last export, each metric's total (cumulative temporality). */
class LastMetricsExporter implements PushMetricExporter {
  exports = 0
  last = new Map<string, number>()

  export(metrics: ResourceMetrics, done: MetricExportDone): void {
    this.exports++
    const totals = new Map<string, number>()
    for (const scope of metrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        let total = 0
        for (const point of metric.dataPoints as Array<DataPoint<number | Histogram>>) {
          total += typeof point.value === 'number' ? point.value : point.value.count
        }
        totals.set(metric.descriptor.name, (totals.get(metric.descriptor.name) ?? 0) + total)
      }
    }
    this.last = totals
    done({ code: 0 })
  }

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}

/** What the SDK recorded so far (spans ended and exported, by name; metric totals). */
export interface SdkRecord {
  spans: Record<string, number>
  metrics: Record<string, number>
  metricExports: number
}

/** Installs the SDK as the global providers; `record()` flushes both and reads the counts. */
export function installOtelSdk(): { record(): Promise<SdkRecord> } {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  const spans = new CountingSpanExporter()
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(spans)],
  })
  api.trace.setGlobalTracerProvider(tracerProvider)
  const metrics = new LastMetricsExporter()
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: metrics })],
  })
  api.metrics.setGlobalMeterProvider(meterProvider)
  return {
    async record() {
      await tracerProvider.forceFlush()
      await meterProvider.forceFlush()
      return {
        spans: Object.fromEntries(spans.exported),
        metrics: Object.fromEntries(metrics.last),
        metricExports: metrics.exports,
      }
    },
  }
}
