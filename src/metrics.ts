/**
 * The process's Prometheus metrics (GET /metrics): updates handled by channel, kind and
 * outcome, the time to handle one (the answer latency), the outbox's outcomes per
 * channel, queue depths and the watchdog's reconciles. One registry per process, as
 * prom-client intends; the names start with baocao_.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'baocao_' });

export type UpdateKind = 'answer' | 'command' | 'button' | 'edit' | 'other';
export type UpdateOutcome = 'handled' | 'failed' | 'undelivered';

export const updatesHandled = new Counter({
  name: 'baocao_updates_total',
  help: 'Updates from the chat apps, by channel, kind and outcome (failed: nothing stored, the person was told; undelivered: stored, the reply did not reach them).',
  labelNames: ['channel', 'kind', 'outcome'] as const,
  registers: [registry],
});

export const updateSeconds = new Histogram({
  name: 'baocao_update_duration_seconds',
  help: 'Time from receiving an update to its reply being shown, by channel and kind (kind=answer is the answer latency).',
  labelNames: ['channel', 'kind'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export type OutboxOutcome = 'sent' | 'failed' | 'rate_limited' | 'unreachable' | 'retry' | 'resent' | 'skipped' | 'moved';

export const outboxMessages = new Counter({
  name: 'baocao_outbox_messages_total',
  help: 'Outbox deliveries by channel and outcome (rate_limited: a 429; resent: interrupted by a crash and sent again; unreachable: this app refused the account; moved: then queued on the person\'s account in another app).',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});

export const receiveErrors = new Counter({
  name: 'baocao_receive_errors_total',
  help: 'Polls of a chat app that failed (getUpdates: network, 5xx, a wrong token, another poller), by channel: rising while nothing comes in means the bot hears nobody.',
  labelNames: ['channel'] as const,
  registers: [registry],
});

export const lastReceived = new Gauge({
  name: 'baocao_last_receive_timestamp_seconds',
  help: 'When a poll of the chat app last succeeded, or a webhook from it was last taken, by channel (Unix seconds): alert when it falls far behind time().',
  labelNames: ['channel'] as const,
  registers: [registry],
});

export const reconcileRuns = new Counter({
  name: 'baocao_reconcile_runs_total',
  help: 'Watchdog ticks; rebuilt="true" when Redis had lost the schedule and it was rebuilt from Postgres.',
  labelNames: ['rebuilt'] as const,
  registers: [registry],
});

/** Where queue depths come from: each running set of queues adds itself while it runs. */
export type QueueDepths = () => Promise<Array<{ queue: string; state: string; count: number }>>;
const depthSources = new Set<QueueDepths>();

new Gauge({
  name: 'baocao_queue_jobs',
  help: 'Jobs in the BullMQ queues by queue and state, read when scraped.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const source of depthSources) {
      const depths = await source().catch(() => []);
      for (const { queue, state, count } of depths) this.set({ queue, state }, count);
    }
  },
});

/** Adds a source of queue depths; the returned function removes it. */
export function reportQueueDepths(source: QueueDepths): () => void {
  depthSources.add(source);
  return () => depthSources.delete(source);
}
