/**
 * `npm run demo`: the real bot, its real database and services, talking to the
 * local Bot API emulator instead of Telegram, with the chat in this terminal.
 * `npm run demo -- --zalo` does the same on the Zalo emulator: text only, options as
 * numbered lines, answers typed. Nothing leaves the machine; no bot token is needed.
 * Lines typed here are messages from a cell secretary; on Telegram "#2" presses
 * button 2 of the last message; "admin: /tonghop" sends as the committee office.
 *
 * It recreates its own database (DEMO_DATABASE_URL, default …/baocao_demo) and empties
 * its own Redis keys (DEMO_REDIS_PREFIX, default baocao-demo).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { clearRedisPrefix, createRedis } from '../jobs/connection.js';
import { startApp } from './app.js';
import { loadConfig } from './config.js';
import { createDb } from './db/connect.js';
import { freePort } from './http/freePort.js';
import { startBotApiEmulator, type BotApiEmulator, type BotMessage, type TgUser } from './emulator/botApiEmulator.js';
import { startZaloEmulator, type ZaloEmulator, type ZaloUser } from './emulator/zaloEmulator.js';
import { silentLogger } from './logger.js';
import { createCampaign } from './services/campaigns.js';
import { createInvites } from './services/invites.js';
import { systemClock } from './time.js';

const DAY = 24 * 60 * 60 * 1000;
const secretary: TgUser = { id: 1001, first_name: 'Nguyễn Văn', last_name: 'An' };
const admin: TgUser = { id: 9001, first_name: 'Văn phòng' };
const zaloSecretary: ZaloUser = { id: '8493021736254019283', display_name: 'Nguyễn Văn An' };
const zaloAdmin: ZaloUser = { id: 'a1b2c3d4e5f60718293a', display_name: 'Văn phòng' };
const demoUrl = process.env.DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/baocao_demo';
const DEMO_REDIS_PREFIX = process.env.DEMO_REDIS_PREFIX ?? 'baocao-demo';

async function recreateDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1);
  parsed.pathname = '/postgres';
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.end();
}

function buttonsOf(message: BotMessage): Array<{ text: string; callback_data: string }> {
  const rows = (message.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string; callback_data: string }>>;
  return rows.flat();
}

/** Files the bot sends in the demo land here, so the office's workbook and Word draft can be opened. */
const DEMO_FILES_DIR = process.env.DEMO_FILES_DIR ?? join(tmpdir(), 'baocao-demo-files');

function show(message: BotMessage, who: string): void {
  console.log(`\n\x1b[36m[bot → ${who}]\x1b[0m ${message.edited ? '(sửa tin) ' : ''}${message.plainText}`);
  if (message.document) {
    mkdirSync(DEMO_FILES_DIR, { recursive: true });
    const path = join(DEMO_FILES_DIR, message.document.file_name);
    writeFileSync(path, message.document.bytes);
    console.log(`  📎 ${message.document.file_name} → ${path}`);
  }
  const buttons = buttonsOf(message);
  if (buttons.length) console.log(buttons.map((b, i) => `  #${i + 1} ${b.text}`).join('\n'));
}

/** Lines of stdin, none lost while the previous one is being handled (piped input ends early). */
async function* readLines(): AsyncGenerator<string> {
  const queue: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    queue.push(line);
    wake?.();
  });
  rl.on('close', () => {
    closed = true;
    wake?.();
  });
  for (;;) {
    const line = queue.shift();
    if (line !== undefined) yield line;
    else if (closed) return;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

/** One chat app as the terminal drives it: who writes, what they send, what the bot said. */
interface DemoChannel {
  /** The environment that points the bot at this channel's emulator. */
  env: Record<string, string>;
  send(asAdmin: boolean, text: string): Promise<void>;
  /** "#2": press button 2 of the last message with buttons (Telegram only). */
  press(asAdmin: boolean, n: number): Promise<void>;
  /** Runs something beside the chat (the scheduler) and prints what the secretary gets. */
  observe(action: () => void): Promise<void>;
  close(): Promise<void>;
  hint: string;
}

/**
 * Runs an action and waits for what tells that the bot has answered it (`answered`, made
 * just before the action), then prints every message not printed yet.
 */
function answerPrinter<M>(all: () => Array<{ who: string; key: string; version: number; message: M }>, print: (message: M, who: string) => void) {
  const printed = new Map<string, number>();
  const printNew = () => {
    for (const { who, key, version, message } of all()) {
      if ((printed.get(key) ?? -1) < version) {
        printed.set(key, version);
        print(message, who);
      }
    }
  };
  return async (answered: () => Promise<unknown>, action: () => void) => {
    const waiting = answered();
    action();
    await waiting.catch(() => console.log('(bot chưa trả lời)'));
    // A reply may be several messages: give the rest a moment before printing.
    await new Promise((resolve) => setTimeout(resolve, 150));
    printNew();
  };
}

function telegramChannel(emulator: BotApiEmulator): DemoChannel {
  const userOf = (asAdmin: boolean) => (asAdmin ? admin : secretary);
  // A pressed button's notice (Telegram's callback answer, a toast over the chat) is shown too:
  // for «Đã nhận» it is the whole answer.
  let toastsShown = 0;
  const showToasts = () => {
    for (const answer of emulator.callbackAnswers.slice(toastsShown)) {
      if (answer.text) console.log(`\n\x1b[36m[bot · thông báo nhanh]\x1b[0m ${answer.text}`);
    }
    toastsShown = emulator.callbackAnswers.length;
  };
  const act = answerPrinter<BotMessage>(
    () =>
      ([[secretary, 'bí thư'], [admin, 'văn phòng']] as const).flatMap(([user, who]) =>
        emulator.messagesTo(user.id).map((message) => ({ who, key: `${user.id}:${message.message_id}`, version: message.history.length, message })),
      ),
    show,
  );
  // The bot confirms an update only once it has handled it, its reply sent (a file may take seconds).
  const handled = async () => {
    // answerPrinter starts this wait just before the action: the update is queued once this first await is over.
    await Promise.resolve();
    await emulator.waitUntilUpdatesConsumed(30_000).finally(showToasts);
  };
  return {
    env: { BOT_TOKEN: emulator.token, TELEGRAM_API_ROOT: emulator.apiRoot, ADMIN_IDS: String(admin.id) },
    send: (asAdmin, text) => act(handled, () => emulator.sendText(userOf(asAdmin), text)),
    async press(asAdmin, n) {
      const from = userOf(asAdmin);
      const last = [...emulator.messagesTo(from.id)].reverse().find((m) => buttonsOf(m).length > 0);
      const button = last && buttonsOf(last)[n - 1];
      if (!last || !button) return void console.log('(không có nút đó)');
      await act(handled, () => emulator.pressButton(from, last, button.callback_data));
    },
    // Not an answer to an update (the round's announcement): the first message to arrive.
    observe: (action) => act(() => emulator.waitForMessage(secretary.id, () => true, 10_000), action),
    close: () => emulator.close(),
    hint: 'Gõ tin nhắn như trong Telegram; "#2" để bấm nút số 2; "admin: /tonghop" để gửi với tư cách Văn phòng; Ctrl+D để thoát.',
  };
}


/** Zalo cannot carry files: the office gets download links, served by the demo's own HTTP server. */
function zaloChannel(emulator: ZaloEmulator, httpPort: number): DemoChannel {
  const userOf = (asAdmin: boolean) => (asAdmin ? zaloAdmin : zaloSecretary);
  const act = answerPrinter<{ text: string }>(
    () =>
      ([[zaloSecretary, 'bí thư'], [zaloAdmin, 'văn phòng']] as const).flatMap(([user, who]) =>
        emulator.messagesTo(user.id).map((message) => ({ who, key: message.message_id, version: 0, message })),
      ),
    (message, who) => console.log(`\n\x1b[36m[bot → ${who} · Zalo]\x1b[0m ${message.text}`),
  );
  emulator.addUser(zaloAdmin);
  return {
    env: { ZALO_BOT_TOKEN: emulator.token, ZALO_API_ROOT: emulator.apiRoot, ADMIN_IDS: `zalo:${zaloAdmin.id}`, HTTP_PORT: String(httpPort), PUBLIC_URL: `http://127.0.0.1:${httpPort}` },
    send: (asAdmin, text) => act(() => emulator.waitForMessage(userOf(asAdmin).id, () => true, 10_000), () => emulator.sendText(userOf(asAdmin), text)),
    async press() {
      console.log('(Zalo không có nút: gõ số hoặc chữ được ghi bên cạnh lựa chọn)');
    },
    observe: (action) => act(() => emulator.waitForMessage(zaloSecretary.id, () => true, 10_000), action),
    close: () => emulator.close(),
    hint: 'Gõ tin nhắn như trong Zalo (chỉ có chữ: gõ số của lựa chọn, «quay lại», «bỏ qua», «gửi»…); "admin: /tonghop" để gửi với tư cách Văn phòng; Ctrl+D để thoát.',
  };
}

async function main(): Promise<void> {
  await recreateDatabase(demoUrl);
  const zalo = process.argv.includes('--zalo');
  const channel = zalo
    ? zaloChannel(await startZaloEmulator(), await freePort())
    : telegramChannel(await startBotApiEmulator({ botUser: { id: 42, username: 'baocao_demo_bot', first_name: 'Báo cáo (demo)' } }));
  const config = loadConfig({
    DATABASE_URL: demoUrl,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_PREFIX: DEMO_REDIS_PREFIX,
    HTTP_PORT: '0',
    ...channel.env,
    // Whatever the hour you try the demo, its messages arrive now.
    QUIET_HOURS: 'off',
  });
  // A fresh database: queued jobs of an earlier demo would point at rows that no longer exist.
  const redis = createRedis(config.redisUrl, 'worker');
  await clearRedisPrefix(redis, DEMO_REDIS_PREFIX);
  await redis.quit();
  const app = await startApp(config, { clock: systemClock, logger: silentLogger });

  const db = createDb(demoUrl, { max: 2 });
  await db
    .insertInto('organizations')
    .values([
      { code: 'CB01', name: 'Chi bộ Sở Tài chính', type: 'chi_bo_co_so' },
      { code: 'CB02', name: 'Chi bộ Sở Xây dựng', type: 'chi_bo_co_so' },
      { code: 'DB01', name: 'Đảng bộ Công ty Điện lực', type: 'dang_bo_co_so' },
    ])
    .execute();
  const now = Date.now();
  const campaign = await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: new Date(now - DAY), dueAt: new Date(now + 7 * DAY), organizationCodes: 'all' },
    systemClock,
  );
  const [invite] = await createInvites(db, { orgCodes: ['CB01'] }, { ttlDays: 30 }, systemClock);
  await db.destroy();

  console.log(`Bot đang chạy với máy chủ ${zalo ? 'Zalo' : 'Telegram'} giả lập.`);
  console.log(`Đợt báo cáo #${campaign.id} (${campaign.targetCount} tổ chức). Đồng chí là bí thư Chi bộ Sở Tài chính.`);
  console.log(channel.hint);

  await channel.send(false, `/start ${invite!.code}`);
  // The round's reminders are planned once the secretary is registered: the announcement arrives now.
  await channel.observe(() => void app.scheduler.campaignChanged(campaign.id));

  for await (const line of readLines()) {
    const text = line.trim();
    if (!text) continue;
    const asAdmin = /^admin:\s*/i.exec(text);
    const body = asAdmin ? text.slice(asAdmin[0].length) : text;
    const press = /^#(\d+)$/.exec(body);
    if (press) await channel.press(asAdmin !== null, Number(press[1]));
    else await channel.send(asAdmin !== null, body);
  }
  await app.stop();
  await channel.close();
}

await main();
