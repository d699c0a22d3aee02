/**
 * Benchmark of the report dialogue through the real bot: updates go through
 * bot.handleUpdate (grammY middleware, handlers, the reporting service, real
 * Postgres); Telegram's answers come from an in-process transformer, so the
 * figures measure this code, not the network.
 *
 * 1,000 secretaries each answer the 14-question QCDC form: the first 100 one at a
 * time (the cost of an answer), the rest 32 chats at a time (throughput).
 * Prints answers per second, p50/p99 per answer, and the cost at question 1
 * versus question 14 (it must not grow with the question number: state is a
 * cursor in the submission row, not a replayed history).
 *
 *   npm run bench -- dialogue     (BENCH_SECRETARIES=5000 BENCH_CONCURRENCY=64 to vary)
 */
import type { Update } from 'grammy/types';
import { connectScheduler } from '../jobs/runtime.js';
import { createBot } from '../src/bot.js';
import { silentLogger } from '../src/logger.js';
import { createCampaign } from '../src/services/campaigns.js';
import { FormCache } from '../src/services/forms.js';
import { ManualClock } from '../src/time.js';
import { freshDatabase, ms, percentile, seedReporters } from './support.js';

const SECRETARIES = Number(process.env.BENCH_SECRETARIES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Secretaries answered one at a time first, for the cost of an answer without queueing. */
const LATENCY_SECRETARIES = 100;
const FIRST_USER_ID = 5_000_000;

/** One secretary's typed answers to the QCDC form, every question relevant. */
const ANSWERS = ['có', 'có', '3', 'có', 'Mô hình «Dân vận khéo» trong doanh nghiệp', 'có', 'đã ký', '2', '1.234', '05', '6', 'tốt', 'Không có', 'Không có'];

let nextUpdateId = 1;
let nextMessageId = 1;
function textUpdate(userId: number, text: string): Update {
  const from = { id: userId, is_bot: false, first_name: 'Bí thư' };
  const entities = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] : undefined;
  return {
    update_id: nextUpdateId++,
    message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: 'private', first_name: 'Bí thư' }, from, text, ...(entities ? { entities } : {}) },
  };
}


export async function runDialogueBench(): Promise<boolean> {
  const db = await freshDatabase('baocao_bench', CONCURRENCY);
  const clock = new ManualClock('2026-12-10T09:00:00+07:00');
  console.log(`seeding ${SECRETARIES} organizations and secretaries…`);
  await seedReporters(db, SECRETARIES, FIRST_USER_ID);
  await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: new Date('2026-12-01T00:00:00+07:00'), dueAt: new Date('2026-12-15T17:00:00+07:00'), organizationCodes: 'all' },
    clock,
  );

  let apiCalls = 0;
  const reminders = await connectScheduler({
    db,
    clock,
    logger: silentLogger,
    policy: { quietHours: null, holidays: new Set() },
    config: { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', redisPrefix: 'baocao-bench' },
  });
  const bot = createBot(
    { db, clock, forms: new FormCache(db), adminIds: [], logger: silentLogger, scheduler: reminders.scheduler },
    { token: '1:BENCH', botInfo: { id: 1, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never },
  );
  bot.api.config.use(async (_prev, method, payload) => {
    apiCalls++;
    const chatId = (payload as { chat_id?: number }).chat_id ?? 0;
    const result = method === 'sendMessage' ? { message_id: nextMessageId++, date: 0, chat: { id: chatId, type: 'private' }, text: '' } : true;
    return { ok: true, result } as never;
  });

  let failures = 0;
  bot.catch(() => void failures++);

  /** Secretaries [from, to) each open the report and answer the form, `concurrency` chats at a time. */
  async function phase(label: string, from: number, to: number, concurrency: number): Promise<void> {
    const perQuestion: number[][] = ANSWERS.map(() => []);
    const all: number[] = [];
    let next = from;
    async function worker(): Promise<void> {
      while (next < to) {
        const userId = FIRST_USER_ID + next++;
        await bot.handleUpdate(textUpdate(userId, '/baocao'));
        for (const [q, text] of ANSWERS.entries()) {
          const t0 = performance.now();
          await bot.handleUpdate(textUpdate(userId, text));
          const elapsed = performance.now() - t0;
          perQuestion[q]!.push(elapsed);
          all.push(elapsed);
        }
      }
    }
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...all].sort((a, b) => a - b);
    const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
    const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
    console.log('');
    console.log(`${label}: ${to - from} secretaries × ${ANSWERS.length} answers, ${concurrency} chat(s) at a time`);
    console.log(`  answers per second:   ${(all.length / seconds).toFixed(0)} (${all.length} in ${seconds.toFixed(1)} s, incl. /baocao)`);
    console.log(`  latency per answer:   p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? NaN)}`);
    console.log(`  question 1:           p50 ${ms(median(perQuestion[0]!))}, mean ${ms(mean(perQuestion[0]!))}`);
    console.log(`  question 14:          p50 ${ms(median(perQuestion[13]!))}, mean ${ms(mean(perQuestion[13]!))}  (Q14/Q1 p50 ${(median(perQuestion[13]!) / median(perQuestion[0]!)).toFixed(2)})`);
  }

  // Cost of one answer with nothing else running, then throughput under load.
  const sequential = Math.min(LATENCY_SECRETARIES, SECRETARIES);
  await phase('one chat at a time', 0, sequential, 1);
  await phase('under load', sequential, SECRETARIES, CONCURRENCY);

  const complete = await db
    .selectFrom('submissions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('answered_count', '=', ANSWERS.length)
    .executeTakeFirstOrThrow();
  console.log('');
  console.log(`complete reports:       ${complete.n}/${SECRETARIES} with all ${ANSWERS.length} answers stored`);
  console.log(`Telegram calls:         ${apiCalls}; failed updates: ${failures}`);
  console.log(`memory (rss):           ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  await reminders.close();
  await db.destroy();
  return failures === 0 && Number(complete.n) === SECRETARIES;
}
