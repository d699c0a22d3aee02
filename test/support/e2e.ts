/**
 * What the end-to-end tests share: driving a chat with the real bot process through
 * the Telegram or Zalo emulator (type, press, wait for a reply), reading what the
 * process wrote to Postgres (a report's submission, answers and history, the
 * deliveries to a user), and stopping it all at the end.
 *
 * A test file sets its emulator, bot process and database in beforeAll (and may start
 * the bot again), so every helper here takes getters and reads them when it runs.
 */
import type { BotApiEmulator, BotMessage, TgUser } from '../../src/emulator/botApiEmulator.js';
import type { ZaloBotMessage, ZaloEmulator, ZaloUser } from '../../src/emulator/zaloEmulator.js';
import type { ChannelName } from '../../src/chat/port.js';
import type { Db } from '../../src/db/connect.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { systemClock } from '../../src/time.js';
import type { BotProcess } from './botProcess.js';
import type { TestDb } from './db.js';
import { submissionRows } from './reporting.js';

export const DAY = 24 * 60 * 60 * 1000;
/** How long a reply may take by default. */
export const WAIT = 15_000;

/** `expected` as a substring, or as a pattern. */
export function matches(text: string, expected: RegExp | string): boolean {
  return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
}

/** `wait`, failing with what the user saw last and everything the bot process wrote. */
function explained<T>(wait: Promise<T>, last: () => string | undefined, bot: () => BotProcess): Promise<T> {
  return wait.catch((error: Error) => {
    throw new Error(`${error.message}\nlast message: ${last()}\nbot output:\n${bot().output()}`);
  });
}

/** What both emulators let a test do in a chat: type as a user, see the bot's messages to them. */
interface ChatEmulator<Id, User extends { id: Id }, Message> {
  sendText(user: User, text: string): unknown;
  messagesTo(id: Id): Message[];
  lastMessageTo(id: Id): Message | undefined;
  waitForMessage(id: Id, predicate: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  waitFor<T>(check: () => T | undefined | false | null, timeoutMs?: number): Promise<T>;
}

/**
 * A chat with the bot process `bot()` through `emulator()`: `shown` is what a user sees
 * of a message, `isReply` which of the bot's messages count as replies.
 */
function chatOn<Id, User extends { id: Id }, Message>(
  emulator: () => ChatEmulator<Id, User, Message>,
  bot: () => BotProcess,
  wait: number,
  shown: (m: Message) => string,
  isReply: (m: Message) => boolean,
) {
  const lastShown = (user: User): string | undefined => {
    const last = emulator().lastMessageTo(user.id);
    return last && shown(last);
  };
  const chat = {
    /** The bot's next reply to `user` matching `expected`. */
    reply(user: User, expected: RegExp | string, timeoutMs = wait): Promise<Message> {
      const e = emulator();
      return explained(
        e.waitForMessage(user.id, (m) => isReply(m) && matches(shown(m), expected), timeoutMs),
        () => lastShown(user),
        bot,
      );
    },
    /** What `act` returned and the reply matching `expected` to what it sent. */
    async replyTo<T>(user: User, expected: RegExp | string, act: () => T): Promise<{ sent: T; reply: Message }> {
      const reply = chat.reply(user, expected);
      let sent: T;
      try {
        sent = act();
      } catch (error) {
        reply.catch(() => undefined);
        throw error;
      }
      return { sent, reply: await reply };
    },
    /** The user types `text`; resolves with the first reply matching `expected`. */
    async say(user: User, text: string, expected: RegExp | string): Promise<Message> {
      return (await chat.replyTo(user, expected, () => emulator().sendText(user, text))).reply;
    },
    /** A message to `user` already received or still to come. */
    messageTo(user: User, predicate: (m: Message) => boolean): Promise<Message> {
      const e = emulator();
      return explained(
        e.waitFor(() => e.messagesTo(user.id).find(predicate), wait),
        () => lastShown(user),
        bot,
      );
    },
  };
  return chat;
}

/** A Telegram chat with the bot process `bot()` through `emulator()`. Replies are new messages, not edits. */
export function telegramChat(emulator: () => BotApiEmulator, bot: () => BotProcess, wait = WAIT) {
  const chat = chatOn<number, TgUser, BotMessage>(emulator, bot, wait, (m) => m.plainText, (m) => !m.edited);
  return {
    ...chat,
    /** The user presses the button labelled `label` under the bot's last message to them. */
    async press(user: TgUser, label: string | RegExp, expected: RegExp | string): Promise<BotMessage> {
      const current = emulator().lastMessageTo(user.id);
      if (!current) throw new Error(`no message to ${user.id}`);
      return (await chat.replyTo(user, expected, () => emulator().pressButtonLabelled(user, current, label))).reply;
    },
  };
}

/** A Zalo chat with the bot process `bot()` through `zalo()`: everything typed, every message plain text. */
export function zaloChat(zalo: () => ZaloEmulator, bot: () => BotProcess, wait = WAIT) {
  return chatOn<string, ZaloUser, ZaloBotMessage>(zalo, bot, wait, (m) => m.text, () => true);
}

/**
 * Readers of what the bot process wrote to `db()`: an organization's submission (of
 * round `campaignId`; by default of `round()`, or of any round without it), its answers
 * by question key and its history oldest first, and the deliveries to a user.
 */
export function reportRows(db: () => Db, round?: () => string) {
  const rows = submissionRows(db);
  const reader = {
    submissionOf(orgCode: string, campaignId = round?.()) {
      let query = db()
        .selectFrom('submissions as s')
        .innerJoin('organizations as o', 'o.id', 's.organization_id')
        .selectAll('s')
        .where('o.code', '=', orgCode);
      if (campaignId !== undefined) query = query.where('s.campaign_id', '=', campaignId);
      return query.executeTakeFirstOrThrow();
    },
    async answersOf(orgCode: string, campaignId = round?.()) {
      return rows.answerRows((await reader.submissionOf(orgCode, campaignId)).id);
    },
    async historyOf(orgCode: string, campaignId = round?.()) {
      return rows.historyRows((await reader.submissionOf(orgCode, campaignId)).id);
    },
    /** The deliveries to the person with identity (`channel`, `externalId`), oldest first. */
    deliveriesTo(channel: ChannelName, externalId: string) {
      return db()
        .selectFrom('deliveries as d')
        .innerJoin('identities as i', 'i.person_id', 'd.person_id')
        .select(['d.id', 'd.campaign_id', 'd.slot_key', 'd.kind', 'd.channel', 'd.status', 'd.reason', 'd.acknowledged_at'])
        .where('i.channel', '=', channel)
        .where('i.external_id', '=', externalId)
        .orderBy('d.id')
        .execute();
    },
  };
  return reader;
}

/**
 * A rating round (xep_loai_to_chuc_dang, «Năm 2026») of `organizationCodes`, opened ten
 * days before `now` and four days past its deadline, whose announcement went out when it
 * opened (the bot was down since): every slot is overdue, so only the latest reminder and
 * the escalation to the office go out.
 */
export async function insertOverdueRound(db: Db, organizationCodes: 'all' | string[], now: number): Promise<string> {
  const { id } = await createCampaign(
    db,
    { formId: 'xep_loai_to_chuc_dang', periodLabel: 'Năm 2026', opensAt: new Date(now - 10 * DAY), dueAt: new Date(now - 4 * DAY), organizationCodes },
    systemClock,
  );
  await db
    .insertInto('reminder_slots')
    .values({ campaign_id: id, slot_key: 'announce', kind: 'announcement', send_at: new Date(now - 10 * DAY), fanned_out_at: new Date(now - 10 * DAY) })
    .execute();
  return id;
}

/**
 * An open QCDC round «Năm 2026» for the given organizations, due in 10 days; opened a day
 * ago unless `opensAgoMs` says otherwise; `reminderOffsets: []` for a round without reminders.
 */
export async function insertOpenRound(
  db: Db,
  now: number,
  options: { organizationCodes?: 'all' | string[]; opensAgoMs?: number; reminderOffsets?: string[] } = {},
): Promise<string> {
  const { id } = await createCampaign(
    db,
    {
      formId: 'dan_van_qcdc',
      periodLabel: 'Năm 2026',
      opensAt: new Date(now - (options.opensAgoMs ?? DAY)),
      dueAt: new Date(now + 10 * DAY),
      organizationCodes: options.organizationCodes ?? 'all',
      ...(options.reminderOffsets ? { reminderOffsets: options.reminderOffsets } : {}),
    },
    systemClock,
  );
  return id;
}

/** The end of an e2e file: the bot process stopped, then the emulators closed, then the database dropped. */
export async function stopAll(bot: BotProcess | undefined, emulators: Array<{ close(): Promise<void> } | undefined>, testDb: TestDb | undefined): Promise<void> {
  await bot?.stop();
  for (const emulator of emulators) await emulator?.close();
  await testDb?.drop();
}
