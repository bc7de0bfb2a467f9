import { metrics } from '@opentelemetry/api';

/**
 * The process's resident memory, `process.memory.usage` in the semantic conventions (the runtime
 * instrumentation covers the V8 heap and the event loop, not RSS). Read when metrics are collected.
 */
export function recordProcessMemory(): void {
  metrics
    .getMeter('triad.process')
    .createObservableUpDownCounter('process.memory.usage', { description: 'Resident set size of the process.', unit: 'By' })
    .addCallback((result) => result.observe(process.memoryUsage.rss()));
}
