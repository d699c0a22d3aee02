/**
 * Benchmark of the report dialogue through the real channel adapters, side by side in
 * one run: Telegram updates go through grammY (bot.handleUpdate, its middleware, the
 * chat layer, the reporting service, real Postgres) with Telegram's answers from an
 * in-process transformer; Zalo updates go through the Zalo adapter (the same chat layer,
 * text rendering, splitting) with sendMessage answered in-process. The figures measure
 * this code, not the network.
 *
 * 1,000 secretaries per channel each answer the 14-question QCDC form: the first 100
 * one at a time (the cost of an answer), the rest 32 chats at a time (throughput); the
 * phases alternate between channels so both see the same machine. Prints answers per
 * second, p50/p99 per answer, question 1 versus question 14 (it must not grow: state is
 * a cursor in the submission row), and Zalo's figures as a ratio of Telegram's.
 *
 *   npm run bench -- dialogue     (BENCH_SECRETARIES=5000 BENCH_CONCURRENCY=64 to vary)
 */
import type { Update } from 'grammy/types';
import { connectScheduler } from '../jobs/runtime.js';
import { createTelegramBot } from '../src/channels/telegram/adapter.js';
import { createZaloHandler, createZaloSender } from '../src/channels/zalo/adapter.js';
import type { ZaloUpdate } from '../src/channels/zalo/client.js';
import { botMessages } from '../src/chat/messages.js';
import { createChat } from '../src/chat/router.js';
import { silentLogger } from '../src/logger.js';
import { createCampaign } from '../src/services/campaigns.js';
import { FormCache } from '../src/services/forms.js';
import { ManualClock } from '../src/time.js';
import { freshDatabase, ms, percentile, seedReporters } from './support.js';

const SECRETARIES = Number(process.env.BENCH_SECRETARIES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Secretaries answered one at a time first, for the cost of an answer without queueing. */
const LATENCY_SECRETARIES = 100;
/** Secretaries per channel answered first and not counted: both channels measured warm. */
const WARMUP = 20;
const FIRST_TELEGRAM_ID = 5_000_000;
/** Zalo ids are strings beyond 2^53 in real life; the bench uses such digits too. */
const FIRST_ZALO_ID = 9_007_199_254_740_993n;

/** One secretary's typed answers to the QCDC form, every question relevant. */
const ANSWERS = ['có', 'có', '3', 'có', 'Mô hình «Dân vận khéo» trong doanh nghiệp', 'có', 'đã ký', '2', '1.234', '05', '6', 'tốt', 'Không có', 'Không có'];

let nextUpdateId = 1;
let nextMessageId = 1;
function telegramUpdate(userId: number, text: string): Update {
  const from = { id: userId, is_bot: false, first_name: 'Bí thư' };
  const entities = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] : undefined;
  return {
    update_id: nextUpdateId++,
    message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: 'private', first_name: 'Bí thư' }, from, text, ...(entities ? { entities } : {}) },
  };
}

function zaloUpdate(userId: string, text: string): ZaloUpdate {
  const id = (nextMessageId++).toString(16).padStart(20, '0');
  return { event_name: 'message.text.received', message: { message_id: id, date: Date.now(), chat: { id: userId, chat_type: 'PRIVATE' }, from: { id: userId, display_name: 'Bí thư', is_bot: false }, text } };
}

interface PhaseResult {
  answersPerSecond: number;
  p50: number;
  p99: number;
}

/** Sends one secretary's text as that channel would deliver it, and waits for the reply to be sent. */
type Deliver = (secretary: number, text: string) => Promise<void>;

/** Secretaries [from, to) each open the report and answer the form, `concurrency` chats at a time. */
async function phase(label: string, deliver: Deliver, from: number, to: number, concurrency: number): Promise<PhaseResult> {
  const perQuestion: number[][] = ANSWERS.map(() => []);
  const all: number[] = [];
  let next = from;
  async function worker(): Promise<void> {
    while (next < to) {
      const secretary = next++;
      await deliver(secretary, '/baocao');
      for (const [q, text] of ANSWERS.entries()) {
        const t0 = performance.now();
        await deliver(secretary, text);
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
  const result = { answersPerSecond: all.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  console.log('');
  console.log(`${label}: ${to - from} secretaries × ${ANSWERS.length} answers, ${concurrency} chat(s) at a time`);
  console.log(`  answers per second:   ${result.answersPerSecond.toFixed(0)} (${all.length} in ${seconds.toFixed(1)} s, incl. /baocao)`);
  console.log(`  latency per answer:   p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, max ${ms(sorted.at(-1) ?? NaN)}`);
  console.log(`  question 1:           p50 ${ms(median(perQuestion[0]!))}, mean ${ms(mean(perQuestion[0]!))}`);
  console.log(`  question 14:          p50 ${ms(median(perQuestion[13]!))}, mean ${ms(mean(perQuestion[13]!))}  (Q14/Q1 p50 ${(median(perQuestion[13]!) / median(perQuestion[0]!)).toFixed(2)})`);
  return result;
}

function ratios(label: string, zalo: PhaseResult, telegram: PhaseResult): void {
  const r = (a: number, b: number) => (a / b).toFixed(2);
  console.log(`  Zalo/Telegram ${label}: answers/s ${r(zalo.answersPerSecond, telegram.answersPerSecond)}, p50 ${r(zalo.p50, telegram.p50)}, p99 ${r(zalo.p99, telegram.p99)}`);
}

export async function runDialogueBench(): Promise<boolean> {
  const db = await freshDatabase('baocao_bench', CONCURRENCY * 2);
  const clock = new ManualClock('2026-12-10T09:00:00+07:00');
  console.log(`seeding ${SECRETARIES} organizations and secretaries per channel…`);
  await seedReporters(db, SECRETARIES + WARMUP, FIRST_TELEGRAM_ID, { channel: 'telegram' });
  await seedReporters(db, SECRETARIES + WARMUP, FIRST_ZALO_ID, { channel: 'zalo', firstOrg: SECRETARIES + WARMUP });
  await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: new Date('2026-12-01T00:00:00+07:00'), dueAt: new Date('2026-12-15T17:00:00+07:00'), organizationCodes: 'all' },
    clock,
  );

  const reminders = await connectScheduler({
    db,
    clock,
    logger: silentLogger,
    policy: { quietHours: null, holidays: new Set() },
    config: { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', redisPrefix: 'baocao-bench' },
  });
  // A failed update is answered with the apology (the adapters catch it): count those.
  let failures = 0;
  const countFailure = (text: unknown) => {
    if (typeof text === 'string' && (text === botMessages.internalError || text === botMessages.replyFailed)) failures++;
  };
  const logger = silentLogger;
  const chat = createChat({ db, clock, forms: new FormCache(db), adminIds: [], logger: silentLogger, scheduler: reminders.scheduler });

  let telegramCalls = 0;
  const bot = createTelegramBot(chat, {
    token: '1:BENCH',
    logger,
    botInfo: { id: 1, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never,
  });
  bot.api.config.use(async (_prev, method, payload) => {
    telegramCalls++;
    countFailure((payload as { text?: string }).text);
    const chatId = (payload as { chat_id?: number }).chat_id ?? 0;
    const result = method === 'sendMessage' ? { message_id: nextMessageId++, date: 0, chat: { id: chatId, type: 'private' }, text: '' } : true;
    return { ok: true, result } as never;
  });
  bot.catch(() => void failures++);

  let zaloCalls = 0;
  const zaloSender = createZaloSender({
    async sendMessage(_chatId: string, text: string) {
      zaloCalls++;
      countFailure(text);
      return { message_id: (nextMessageId++).toString(16), date: Date.now() };
    },
  });
  const handleZalo = createZaloHandler(chat, zaloSender, logger);

  const telegram: Deliver = (secretary, text) => bot.handleUpdate(telegramUpdate(FIRST_TELEGRAM_ID + secretary, text));
  const zalo: Deliver = (secretary, text) => handleZalo(zaloUpdate(String(FIRST_ZALO_ID + BigInt(secretary)), text));

  // Warm both paths up, then the cost of one answer with nothing else running, then
  // throughput under load, channels alternating.
  const quiet = async (run: () => Promise<unknown>) => {
    const log = console.log;
    console.log = () => undefined;
    try {
      await run();
    } finally {
      console.log = log;
    }
  };
  await quiet(() => phase('warm-up', telegram, SECRETARIES, SECRETARIES + WARMUP, 4));
  await quiet(() => phase('warm-up', zalo, SECRETARIES, SECRETARIES + WARMUP, 4));
  const sequential = Math.min(LATENCY_SECRETARIES, SECRETARIES);
  const tSeq = await phase('Telegram, one chat at a time', telegram, 0, sequential, 1);
  const zSeq = await phase('Zalo, one chat at a time', zalo, 0, sequential, 1);
  const tLoad = await phase('Telegram, under load', telegram, sequential, SECRETARIES, CONCURRENCY);
  const zLoad = await phase('Zalo, under load', zalo, sequential, SECRETARIES, CONCURRENCY);
  console.log('');
  ratios('one at a time', zSeq, tSeq);
  ratios('under load', zLoad, tLoad);

  const complete = await db
    .selectFrom('submissions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('answered_count', '=', ANSWERS.length)
    .executeTakeFirstOrThrow();
  console.log('');
  const expected = 2 * (SECRETARIES + WARMUP);
  console.log(`complete reports:       ${complete.n}/${expected} with all ${ANSWERS.length} answers stored`);
  console.log(`channel calls:          Telegram ${telegramCalls}, Zalo ${zaloCalls}; failed updates: ${failures}`);
  console.log(`memory (rss):           ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  await reminders.close();
  await db.destroy();
  return failures === 0 && Number(complete.n) === expected;
}
