/**
 * Benchmark of the report dialogue through the real channel adapters, side by side in
 * one run: Telegram updates go through grammY (bot.handleUpdate, its middleware, the
 * chat layer, the reporting service, real Postgres) with Telegram's answers from an
 * in-process transformer; Zalo updates go through the Zalo adapter (the same chat layer,
 * text rendering, splitting) with sendMessage answered in-process. The figures measure
 * this code, not the network. Every SQL statement the bench's database handle sends is
 * counted (sqlCount.ts), and each measured phase prints the CPU it took per answer in
 * this process and in the Postgres backends serving it, and how busy the machine was
 * (cpu.ts): other processes share these cores, so only ratios within one run hold.
 *
 * In order:
 *  1. The peer (peer.ts: grammY's conversations plugin with its state in Postgres),
 *     interleaved with the project on the same work: project, peer, project, peer, each
 *     300 users answering a 14-question number form one update at a time (every /baocao
 *     first, then question by question, as the peer's bench.mjs does; only the answers
 *     timed). Prints both answers per second and the ratio, and the project's SQL
 *     statements per answer and per /baocao. A peer that cannot be installed or run is
 *     reported and skipped (the exit code does not change for that).
 *  2. 1,000 secretaries per channel each answer the 14-question QCDC form: the first 100
 *     one at a time (the cost of an answer, statements per answer), the rest 32 chats at
 *     a time (throughput); the phases alternate between channels so both see the same
 *     machine. Prints answers per second, p50/p99 per answer, question 1 versus question
 *     14, and Zalo's figures as a ratio of Telegram's.
 *  3. Flat cost: a synthetic 40-question number form (syntheticForms.ts) answered by 100
 *     secretaries one chat at a time: p50 at questions 1, 20 and 40 (state is a cursor in
 *     the submission row: it must not grow).
 * Then the issue-8 targets, each met or not.
 *
 *   npm run bench -- dialogue     (BENCH_SECRETARIES=5000 BENCH_CONCURRENCY=64 BENCH_PEER_USERS=500
 *                                  BENCH_FLAT_SECRETARIES=200 to vary; BENCH_PEER=0 skips the peer;
 *                                  BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile per phase)
 */
import type { Update } from 'grammy/types';
import { sql } from 'kysely';
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
import { CpuMeter, cpuLine } from './cpu.js';
import { preparePeer, PEER_SOURCE, type Peer, type PeerFigures } from './peer.js';
import { StatementCounter, type Snapshot } from './sqlCount.js';
import { freshDatabase, ms, organizationCode, percentile, seedReporters } from './support.js';
import { numericFormDefinition, syncSyntheticForms } from './syntheticForms.js';

const SECRETARIES = Number(process.env.BENCH_SECRETARIES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Secretaries answered one at a time first, for the cost of an answer without queueing. */
const LATENCY_SECRETARIES = 100;
/** Secretaries per channel answered first and not counted: both channels measured warm. */
const WARMUP = 20;
/** Users of each project run and each peer run of the comparison. */
const PEER_USERS = Number(process.env.BENCH_PEER_USERS ?? 300);
const PEER_QUESTIONS = 14;
/** project, peer, project, peer. */
const PEER_ROUNDS = 2;
const WITH_PEER = process.env.BENCH_PEER !== '0';
const FLAT_QUESTIONS = 40;
const FLAT_SECRETARIES = Number(process.env.BENCH_FLAT_SECRETARIES ?? 100);
const FLAT_WARMUP = 5;
const FIRST_TELEGRAM_ID = 5_000_000;
const FIRST_NUMERIC_ID = 6_000_000;
const FIRST_FLAT_ID = 6_500_000;
/** Zalo ids are strings beyond 2^53 in real life; the bench uses such digits too. */
const FIRST_ZALO_ID = 9_007_199_254_740_993n;

/** One secretary's typed answers to the QCDC form, every question relevant. */
const ANSWERS = ['có', 'có', '3', 'có', 'Mô hình «Dân vận khéo» trong doanh nghiệp', 'có', 'đã ký', '2', '1.234', '05', '6', 'tốt', 'Không có', 'Không có'];
/** The peer types "3" to every question; so does the project on the number forms. */
const NUMBER_ANSWER = '3';
const FLAT_ANSWERS = Array.from({ length: FLAT_QUESTIONS }, () => NUMBER_ANSWER);

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
  answers: number;
  answersPerSecond: number;
  p50: number;
  p99: number;
  /** p50 per question (index 0 is question 1). */
  questionP50: number[];
}

/** Sends one secretary's text as that channel would deliver it, and waits for the reply to be sent. */
type Deliver = (secretary: number, text: string) => Promise<void>;

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;

/**
 * Secretaries [from, to) each open the report and answer `answers`, `concurrency` chats
 * at a time. One chat at a time, the SQL statements of /baocao and of the answers are
 * counted apart.
 */
async function phase(
  label: string,
  deliver: Deliver,
  from: number,
  to: number,
  concurrency: number,
  answers: readonly string[] = ANSWERS,
  counter?: StatementCounter,
): Promise<PhaseResult> {
  const perQuestion: number[][] = answers.map(() => []);
  const all: number[] = [];
  let next = from;
  let openingStatements = 0;
  const answersStart = counter?.snapshot();
  async function worker(): Promise<void> {
    while (next < to) {
      const secretary = next++;
      const before = counter?.total ?? 0;
      await deliver(secretary, '/baocao');
      openingStatements += (counter?.total ?? 0) - before;
      for (const [q, text] of answers.entries()) {
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
  const result: PhaseResult = {
    answers: all.length,
    answersPerSecond: all.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    questionP50: perQuestion.map(median),
  };
  const last = answers.length;
  console.log('');
  console.log(`${label}: ${to - from} secretaries × ${last} answers, ${concurrency} chat(s) at a time`);
  console.log(`  answers per second:   ${result.answersPerSecond.toFixed(0)} (${all.length} in ${seconds.toFixed(1)} s, incl. /baocao)`);
  console.log(`  latency per answer:   p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, max ${ms(sorted.at(-1) ?? NaN)}`);
  console.log(`  question 1:           p50 ${ms(result.questionP50[0]!)}, mean ${ms(mean(perQuestion[0]!))}`);
  console.log(
    `  ${`question ${last}:`.padEnd(22)}p50 ${ms(result.questionP50[last - 1]!)}, mean ${ms(mean(perQuestion[last - 1]!))}  (Q${last}/Q1 p50 ${(result.questionP50[last - 1]! / result.questionP50[0]!).toFixed(2)})`,
  );
  if (counter && answersStart && concurrency === 1) {
    // Everything counted minus the openings is the answers' (one chat at a time, nothing else runs).
    const answerTotal = counter.total - answersStart.total - openingStatements;
    const batched = counter.batched - answersStart.batched;
    console.log(
      `  SQL statements:       ${((answerTotal - batched) / all.length).toFixed(2)} per answer (+${(batched / all.length).toFixed(2)} batched reply records), ${(openingStatements / (to - from)).toFixed(2)} per /baocao`,
    );
  }
  return result;
}

function ratios(label: string, zalo: PhaseResult, telegram: PhaseResult): void {
  const r = (a: number, b: number) => (a / b).toFixed(2);
  console.log(`  Zalo/Telegram ${label}: answers/s ${r(zalo.answersPerSecond, telegram.answersPerSecond)}, p50 ${r(zalo.p50, telegram.p50)}, p99 ${r(zalo.p99, telegram.p99)}`);
}

interface StatementFigures {
  /** On the answer's own path: what the answer waits for. */
  perAnswer: number;
  /** Sent by a process in batches beside the answers (the replies shown), per answer. */
  batchedPerAnswer: number;
  perOpening: number;
  answerBreakdown: string;
  openingBreakdown: string;
}

/**
 * The project doing what the peer's bench.mjs does: every user sends /baocao, then, question
 * by question, every user answers "3", one update at a time; only the answers are timed.
 */
async function peerShapedRun(deliver: Deliver, from: number, users: number, questions: number, counter: StatementCounter): Promise<PeerFigures & StatementFigures> {
  const opening = counter.snapshot();
  for (let u = from; u < from + users; u++) await deliver(u, '/baocao');
  const answering = counter.snapshot();
  const perQ = new Array<number>(questions + 1).fill(0);
  const t0 = performance.now();
  for (let q = 1; q <= questions; q++) {
    const s = performance.now();
    for (let u = from; u < from + users; u++) await deliver(u, NUMBER_ANSWER);
    perQ[q] = (performance.now() - s) / users;
  }
  const total = performance.now() - t0;
  const done = counter.snapshot();
  const answers = users * questions;
  const per = (from: Snapshot, to: Snapshot, units: number) =>
    [...counter.breakdown(from, to)].map(([label, n]) => `${(n / units).toFixed(2)} ${label}`).join(' · ');
  return {
    answersPerSecond: answers / (total / 1000),
    q1: perQ[1]!,
    qMid: perQ[Math.ceil(questions / 2)]!,
    qLast: perQ[questions]!,
    perAnswer: (done.total - done.batched - (answering.total - answering.batched)) / answers,
    batchedPerAnswer: (done.batched - answering.batched) / answers,
    perOpening: (answering.total - opening.total) / users,
    answerBreakdown: per(answering, done, answers),
    openingBreakdown: per(opening, answering, users),
  };
}

function figuresLine(figures: PeerFigures, questions: number): string {
  const mid = Math.ceil(questions / 2);
  return `${figures.answersPerSecond.toFixed(0).padStart(5)} answers/s; ms per answer q1 ${figures.q1.toFixed(3)}, q${mid} ${figures.qMid.toFixed(3)}, q${questions} ${figures.qLast.toFixed(3)}`;
}

interface ComparisonResult {
  project: number;
  peer?: number;
  statements: StatementFigures;
}

/** Project, peer, project, peer on the same work, one chat at a time. */
async function comparison(deliver: Deliver, peer: Peer | undefined, counter: StatementCounter, meter: CpuMeter): Promise<ComparisonResult> {
  console.log('');
  console.log(`Project vs peer (${PEER_USERS} users × ${PEER_QUESTIONS} number questions, one chat at a time, interleaved):`);
  const projectRates: number[] = [];
  const peerRates: number[] = [];
  let statements: StatementFigures | undefined;
  for (let round = 0; round < PEER_ROUNDS; round++) {
    const { result: project, cpu } = await meter.measure(
      `project-run-${round + 1}`,
      () => peerShapedRun(deliver, WARMUP + round * PEER_USERS, PEER_USERS, PEER_QUESTIONS, counter),
      () => PEER_USERS * (PEER_QUESTIONS + 1),
    );
    statements ??= project;
    projectRates.push(project.answersPerSecond);
    console.log(`  project, run ${round + 1}: ${figuresLine(project, PEER_QUESTIONS)}`);
    console.log(`                  ${cpuLine(cpu, 'update')}`);
    if (!peer) continue;
    try {
      const figures = await peer.run(PEER_USERS, PEER_QUESTIONS);
      peerRates.push(figures.answersPerSecond);
      const state = figures.stateBytes !== undefined ? `; state ${figures.stateBytes} bytes per user` : '';
      console.log(`  peer,    run ${round + 1}: ${figuresLine(figures, PEER_QUESTIONS)}${state}`);
    } catch (error) {
      console.log(`  peer,    run ${round + 1}: failed, skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const projectMean = mean(projectRates);
  console.log(`  project: ${projectMean.toFixed(0)} answers/s (mean of ${projectRates.length} runs)`);
  const result: ComparisonResult = { project: projectMean, statements: statements! };
  if (peerRates.length > 0) {
    const peerMean = mean(peerRates);
    result.peer = peerMean;
    const perRound = peerRates.map((p, i) => `${(projectRates[i]! / p).toFixed(2)}×`).join(', ');
    console.log(`  peer:    ${peerMean.toFixed(0)} answers/s (mean of ${peerRates.length} runs)`);
    console.log(`  project/peer: ${(projectMean / peerMean).toFixed(2)}× (per round: ${perRound}; target ≥ 3×)`);
  } else {
    console.log(`  peer: not measured`);
  }
  console.log(`  SQL statements per answer:  ${statements!.perAnswer.toFixed(2)} on its path, +${statements!.batchedPerAnswer.toFixed(2)} batched  [${statements!.answerBreakdown}]`);
  console.log(`  SQL statements per /baocao: ${statements!.perOpening.toFixed(2)}  [${statements!.openingBreakdown}]`);
  return result;
}

async function withPeer(): Promise<Peer | undefined> {
  if (!WITH_PEER) {
    console.log('peer: skipped (BENCH_PEER=0)');
    return undefined;
  }
  try {
    const peer = await preparePeer((line) => console.log(line));
    console.log(`peer: ${PEER_SOURCE}, ${peer.installedNow ? 'installed' : 'cached install'} in ${peer.dir}`);
    return peer;
  } catch (error) {
    console.log(`peer: cannot be installed, skipped: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

const codes = (first: number, count: number) => Array.from({ length: count }, (_, i) => organizationCode(first + i));

export async function runDialogueBench(): Promise<boolean> {
  const peer = await withPeer();
  const counter = new StatementCounter();
  const db = await freshDatabase('baocao_bench', CONCURRENCY * 2, counter);
  const meter = await CpuMeter.open('baocao_bench');
  /** A phase, followed by the CPU it took per answer. */
  const measured = async (name: string, run: () => Promise<PhaseResult>): Promise<PhaseResult> => {
    const { result, cpu } = await meter.measure(name, run, (r) => r.answers);
    console.log(`  ${cpuLine(cpu)}`);
    return result;
  };
  const clock = new ManualClock('2026-12-10T09:00:00+07:00');
  const [numericForm, flatForm] = await syncSyntheticForms(db, [numericFormDefinition('bench_so_14', PEER_QUESTIONS), numericFormDefinition('bench_so_40', FLAT_QUESTIONS)]);

  // Organizations, in this order: QCDC on Telegram, QCDC on Zalo, the 14 numbers, the 40 numbers.
  const qcdcCount = SECRETARIES + WARMUP;
  const numericCount = WARMUP + PEER_ROUNDS * PEER_USERS;
  const flatCount = FLAT_WARMUP + FLAT_SECRETARIES;
  const firstNumericOrg = 2 * qcdcCount;
  const firstFlatOrg = firstNumericOrg + numericCount;
  console.log(`seeding ${SECRETARIES} organizations and secretaries per channel…`);
  await seedReporters(db, qcdcCount, FIRST_TELEGRAM_ID, { channel: 'telegram' });
  await seedReporters(db, qcdcCount, FIRST_ZALO_ID, { channel: 'zalo', firstOrg: qcdcCount });
  await seedReporters(db, numericCount, FIRST_NUMERIC_ID, { channel: 'telegram', firstOrg: firstNumericOrg });
  await seedReporters(db, flatCount, FIRST_FLAT_ID, { channel: 'telegram', firstOrg: firstFlatOrg });
  const round = { periodLabel: 'Năm 2026', opensAt: new Date('2026-12-01T00:00:00+07:00'), dueAt: new Date('2026-12-15T17:00:00+07:00') };
  const campaigns = {
    qcdc: await createCampaign(db, { formId: 'dan_van_qcdc', ...round, organizationCodes: codes(0, 2 * qcdcCount) }, clock),
    numeric: await createCampaign(db, { formId: numericForm!.id, ...round, organizationCodes: codes(firstNumericOrg, numericCount) }, clock),
    flat: await createCampaign(db, { formId: flatForm!.id, ...round, organizationCodes: codes(firstFlatOrg, flatCount) }, clock),
  };
  // Statistics, as autovacuum would have gathered them on a database in use: never-analyzed
  // tables make the planner guess (a sequential scan of campaign_targets on every /baocao).
  await sql`analyze`.execute(db);

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

  const telegramAs = (firstId: number): Deliver => (secretary, text) => bot.handleUpdate(telegramUpdate(firstId + secretary, text));
  const telegram = telegramAs(FIRST_TELEGRAM_ID);
  const numeric = telegramAs(FIRST_NUMERIC_ID);
  const flat = telegramAs(FIRST_FLAT_ID);
  const zalo: Deliver = (secretary, text) => handleZalo(zaloUpdate(String(FIRST_ZALO_ID + BigInt(secretary)), text));

  // Warm every path up, then the comparison with the peer, then the cost of one answer
  // with nothing else running, then throughput under load (channels alternating), then
  // the flat cost over 40 questions.
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
  await quiet(() => phase('warm-up', numeric, 0, WARMUP, 4, FLAT_ANSWERS.slice(0, PEER_QUESTIONS)));
  await quiet(() => phase('warm-up', flat, 0, FLAT_WARMUP, 1, FLAT_ANSWERS));
  // Statistics with reports in the tables, as autovacuum gathers them on a database in use within a
  // minute: plans made while submissions and answers were empty scan them whole on every step.
  await sql`analyze`.execute(db);

  const compared = await comparison(numeric, peer, counter, meter);

  const sequential = Math.min(LATENCY_SECRETARIES, SECRETARIES);
  const tSeq = await measured('telegram-one-at-a-time', () => phase('Telegram, one chat at a time', telegram, 0, sequential, 1, ANSWERS, counter));
  const zSeq = await measured('zalo-one-at-a-time', () => phase('Zalo, one chat at a time', zalo, 0, sequential, 1, ANSWERS, counter));
  const tLoad = await measured('telegram-under-load', () => phase('Telegram, under load', telegram, sequential, SECRETARIES, CONCURRENCY));
  const zLoad = await measured('zalo-under-load', () => phase('Zalo, under load', zalo, sequential, SECRETARIES, CONCURRENCY));
  console.log('');
  ratios('one at a time', zSeq, tSeq);
  ratios('under load', zLoad, tLoad);

  const flatResult = await measured('flat-40', () => phase(`Flat cost, ${FLAT_QUESTIONS}-question number form (Telegram)`, flat, FLAT_WARMUP, flatCount, 1, FLAT_ANSWERS, counter));
  const qp = (n: number) => flatResult.questionP50[n - 1]!;
  const mid = FLAT_QUESTIONS / 2;
  const flatRatio = qp(FLAT_QUESTIONS) / qp(1);
  console.log(`  p50 at question 1 ${ms(qp(1))}, question ${mid} ${ms(qp(mid))}, question ${FLAT_QUESTIONS} ${ms(qp(FLAT_QUESTIONS))}; q${FLAT_QUESTIONS}/q1 ${flatRatio.toFixed(2)}, q${mid}/q1 ${(qp(mid) / qp(1)).toFixed(2)}`);

  const complete = await db
    .selectFrom('submissions')
    .select(['campaign_id', 'answered_count', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['campaign_id', 'answered_count'])
    .execute();
  const completeIn = (campaignId: string, answers: number) => Number(complete.find((r) => r.campaign_id === campaignId && r.answered_count === answers)?.n ?? 0);
  const expected = [
    { name: 'QCDC', id: campaigns.qcdc.id, answers: ANSWERS.length, count: 2 * qcdcCount },
    { name: `${PEER_QUESTIONS} numbers`, id: campaigns.numeric.id, answers: PEER_QUESTIONS, count: numericCount },
    { name: `${FLAT_QUESTIONS} numbers`, id: campaigns.flat.id, answers: FLAT_QUESTIONS, count: flatCount },
  ];
  const allComplete = expected.every((e) => completeIn(e.id, e.answers) === e.count);
  console.log('');
  console.log(`complete reports:       ${expected.map((e) => `${e.name} ${completeIn(e.id, e.answers)}/${e.count}`).join(', ')} with all answers stored`);
  console.log(`channel calls:          Telegram ${telegramCalls}, Zalo ${zaloCalls}; failed updates: ${failures}`);
  console.log(`memory (rss):           ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  console.log(`pg pool:                ${CONCURRENCY * 2} connections allowed, ${counter.maxConnections} used at most, ${counter.maxWaitingOnFullPool} requests waiting on a full pool at most`);

  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const s = compared.statements;
  console.log('');
  console.log('targets (issue 8):');
  if (compared.peer !== undefined) {
    const r = compared.project / compared.peer;
    console.log(`  one chat at a time vs peer:  ${r.toFixed(2)}× (${compared.project.toFixed(0)} vs ${compared.peer.toFixed(0)} answers/s; ≥ 3×) ${mark(r >= 3)}`);
  } else {
    console.log(`  one chat at a time vs peer:  not measured (${compared.project.toFixed(0)} answers/s for the project)`);
  }
  console.log(`  ${CONCURRENCY} chats at a time (Telegram): ${tLoad.answersPerSecond.toFixed(0)} answers/s (≥ 2,000) ${mark(tLoad.answersPerSecond >= 2000)}, p99 ${ms(tLoad.p99)} (< 50 ms) ${mark(tLoad.p99 < 50)}`);
  console.log(
    `  SQL statements per answer:   ${s.perAnswer.toFixed(2)} on its path (≤ 3) ${mark(s.perAnswer <= 3)}, +${s.batchedPerAnswer.toFixed(2)} batched reply records; per /baocao ${s.perOpening.toFixed(2)}`,
  );
  console.log(`  flat cost q${FLAT_QUESTIONS}/q1 p50:        ${flatRatio.toFixed(2)} (≤ 1.1) ${mark(flatRatio <= 1.1)}`);

  await reminders.close();
  await meter.close();
  await db.destroy();
  await peer?.close().catch(() => undefined);
  return failures === 0 && allComplete;
}
