/**
 * A bounded load test on loopback, the way production runs: 500 secretaries answer through
 * Telegram's webhook (the local emulator posting updates) behind a round-robin balancer to
 * two `baocao web` processes, with one `baocao worker`, for 5 minutes. Each secretary opens
 * the report, answers the 14 number questions, submits, then keeps correcting answers
 * («sửa N», the number, «gửi» again) until the time is up — one message in flight per secretary, as a
 * person types. Prints answers per second, p50/p99 from sending a message to the bot having
 * handled it and sent its whole reply, webhook errors and timeouts, and checks nothing was lost: every report
 * submitted with its 14 answers, every correction stored.
 *
 *   npm run bench -- load      (BENCH_LOAD_SECRETARIES=500 BENCH_LOAD_SECONDS=300 BENCH_LOAD_CONNECTIONS=40)
 */
import type { Server } from 'node:http';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../src/emulator/botApiEmulator.js';
import { createCampaign } from '../src/services/campaigns.js';
import { systemClock } from '../src/time.js';
import { startReadyRole, type BotProcess } from '../test/support/botProcess.js';
import { startRoundRobinProxy } from '../test/support/roundRobinProxy.js';
import { DATABASE_SERVER, freshDatabase, ms, percentile, seedReporters } from './support.js';
import { numericFormDefinition, syncSyntheticForms } from './syntheticForms.js';

const SECRETARIES = Number(process.env.BENCH_LOAD_SECRETARIES ?? 500);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 300);
/** The webhook's max_connections over both replicas (TELEGRAM_WEBHOOK_CONNECTIONS; Telegram's default is 40). */
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 40);
const QUESTIONS = 14;
const FIRST_ID = 7_000_000;
const REPLY_TIMEOUT_MS = 30_000;
const DATABASE = 'baocao_bench_load';
const FORM_ID = 'bench_load_14';
const SECRET = 'load-bench-webhook-secret-0123456789';

interface Tally {
  latencies: number[];
  answers: number;
  timeouts: number;
}

export async function runLoadBench(): Promise<boolean> {
  const db = await freshDatabase(DATABASE, 4);
  await syncSyntheticForms(db, [numericFormDefinition(FORM_ID, QUESTIONS)]);
  await seedReporters(db, SECRETARIES, FIRST_ID);
  const now = Date.now();
  const { id: campaignId } = await createCampaign(
    db,
    { formId: FORM_ID, periodLabel: 'Năm 2026', opensAt: new Date(now - 60_000), dueAt: new Date(now + 10 * 86_400_000), organizationCodes: 'all', reminderOffsets: [] },
    systemClock,
  );
  const emulator: BotApiEmulator = await startBotApiEmulator();
  const webPorts: number[] = [];
  const proxy: Server = await startRoundRobinProxy(() => webPorts);
  const proxyPort = (proxy.address() as { port: number }).port;
  const env = (port: number) => ({
    BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    DATABASE_URL: `${DATABASE_SERVER}/${DATABASE}`,
    REDIS_PREFIX: `bench-load-${process.pid}`,
    PUBLIC_URL: `http://127.0.0.1:${proxyPort}`,
    WEBHOOK_SECRET: SECRET,
    TELEGRAM_WEBHOOK_CONNECTIONS: String(CONNECTIONS),
    HTTP_PORT: String(port),
    LOG_LEVEL: 'error',
  });
  const processes: BotProcess[] = [];
  const tally: Tally = { latencies: [], answers: 0, timeouts: 0 };
  let ok = true;
  try {
    const roles = await Promise.all((['web', 'web', 'worker'] as const).map((role) => startReadyRole(role, env, processes)));
    webPorts.push(...roles.slice(0, 2).map((r) => r.port));
    const users: TgUser[] = Array.from({ length: SECRETARIES }, (_, i) => ({ id: FIRST_ID + i, first_name: `Bí thư ${i}` }));
    console.log(`${SECRETARIES} secretaries, ${SECONDS} s, 2 web + 1 worker, Telegram webhook (max_connections ${CONNECTIONS}) behind a balancer`);

    /**
     * Sends `text` as `user` and waits until the bot has handled it (its webhook answered 200,
     * which comes after every part of the reply was sent): a person reads the whole reply
     * before typing on. The first new message to them is the reply.
     */
    const exchange = async (user: TgUser, text: string, counts: boolean): Promise<string | undefined> => {
      const before = emulator.messagesTo(user.id).length;
      const started = performance.now();
      const updateId = emulator.sendText(user, text);
      const handled = await emulator
        .waitFor(() => emulator.webhookAccepted(updateId), REPLY_TIMEOUT_MS)
        .catch(() => false);
      const reply = emulator.messagesTo(user.id)[before];
      if (!handled || !reply) {
        tally.timeouts++;
        return undefined;
      }
      if (counts) {
        tally.latencies.push(performance.now() - started);
        tally.answers++;
      }
      return reply.plainText;
    };

    const deadline = Date.now() + SECONDS * 1000;
    const started = performance.now();
    /** Each secretary's last correction: question number and value, to find stored at the end. */
    const corrections = new Map<number, { question: number; value: number }>();
    /** Secretaries whose reply did not come in time, so they typed on before it: their report may rightly be unsent. */
    const outOfTurn = new Set<number>();
    await Promise.all(
      users.map(async (user, i) => {
        await exchange(user, '/baocao', false);
        // Figures spread over 1…9, corrections within them: none is implausible (above the round's 99th
        // percentile), so no correction is held for a confirmation the driver would not give.
        for (let q = 0; q < QUESTIONS; q++) await exchange(user, String(1 + ((i + q) % 9)), true);
        await exchange(user, 'gửi', false);
        let n = 0;
        while (Date.now() < deadline) {
          const question = 1 + ((i + n) % QUESTIONS);
          const value = 1 + ((i + n) % 8);
          const replies = [await exchange(user, `sửa ${question}`, false)];
          replies.push(await exchange(user, String(value), true));
          // A correction takes the report back to the review: it is sent again.
          replies.push(await exchange(user, 'gửi', false));
          // Only a correction whose every step was answered in time is checked: after a reply that
          // never came, the next message was sent before the bot's answer, which the bot refuses by design.
          if (replies.every((r) => r !== undefined)) corrections.set(user.id, { question, value });
          else {
            corrections.delete(user.id);
            outOfTurn.add(user.id);
          }
          n++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;

    const sorted = [...tally.latencies].sort((a, b) => a - b);
    const webhookErrors = emulator.webhookDeliveries.filter((d) => d.status === null || d.status >= 300).length;
    const rows = await db
      .selectFrom('submissions as s')
      .innerJoin('memberships as m', 'm.organization_id', 's.organization_id')
      .innerJoin('identities as i', 'i.person_id', 'm.person_id')
      .select((eb) => ['s.status', 'i.external_id', eb.selectFrom('answers as a').whereRef('a.submission_id', '=', 's.id').select(eb.fn.countAll<string>().as('n')).as('answers')])
      .where('s.campaign_id', '=', campaignId)
      .execute();
    const complete = rows.filter((r) => (r.status === 'submitted' || outOfTurn.has(Number(r.external_id))) && Number(r.answers) === QUESTIONS).length;
    const stored = await db
      .selectFrom('answers as a')
      .innerJoin('submissions as s', 's.id', 'a.submission_id')
      .innerJoin('memberships as m', 'm.organization_id', 's.organization_id')
      .innerJoin('identities as i', 'i.person_id', 'm.person_id')
      .select(['i.external_id', 'a.question_key', 'a.num_value'])
      .where('s.campaign_id', '=', campaignId)
      .execute();
    const value = new Map(stored.map((r) => [`${r.external_id}:${r.question_key}`, Number(r.num_value)]));
    const lostCorrections = [...corrections].filter(([id, c]) => value.get(`${id}:so_lieu_${c.question}`) !== c.value).length;
    const lost = SECRETARIES - complete + lostCorrections;
    if (process.env.BENCH_LOAD_DEBUG) {
      const [id, c] = [...corrections].find(([uid, cc]) => value.get(`${uid}:so_lieu_${cc.question}`) !== cc.value) ?? [];
      if (id !== undefined) console.log('mismatch', id, c, value.get(`${id}:so_lieu_${c!.question}`), emulator.messagesTo(id).slice(-4).map((m) => m.plainText.slice(0, 160)));
    }
    console.log(`  answers:        ${tally.answers} in ${elapsed.toFixed(0)} s = ${(tally.answers / elapsed).toFixed(0)} answers/s`);
    console.log(`  reply latency:  p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? NaN)}`);
    console.log(`  errors:         ${webhookErrors} webhook deliveries not accepted, ${tally.timeouts} replies not seen within ${REPLY_TIMEOUT_MS / 1000} s (${outOfTurn.size} secretaries then typed on before the reply)`);
    console.log(`  lost:           ${SECRETARIES - complete} reports not submitted with all ${QUESTIONS} answers (of ${SECRETARIES}), ${lostCorrections} last corrections not stored`);
    ok = lost === 0 && tally.timeouts === 0;
  } finally {
    for (const p of processes) await p.stop().catch(() => undefined);
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await emulator.close();
    await db.destroy();
  }
  return ok;
}
