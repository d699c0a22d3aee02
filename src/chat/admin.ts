/**
 * Commands of the committee office that read or change figures: /tonghop, /chuanop,
 * /nhacnho, /molai. The router refuses them to anyone but an admin before they run.
 */
import { isBigintId } from '../db/ids.js';
import type { Campaign, Organization } from '../db/schema.js';
import { formatNumberVi } from '../forms/format.js';
import { buildSummary, getSummaryCampaign, listNotSubmitted, type SummaryCampaign } from '../reports/figures.js';
import { pageCount, renderNotSubmitted, renderSummary } from '../reports/text.js';
import { getCampaign, latestOpenedCampaign } from '../services/campaigns.js';
import { findByCode, getOrganization } from '../services/organizations.js';
import { reopenSubmission } from '../services/submissions.js';
import { escapeHtml } from '../text/html.js';
import { actorOf, type ChatRequest } from './context.js';
import { isConfirmWord, ROUND_ID } from './commands.js';
import { withFiles } from './files.js';
import { botMessages as msg } from './messages.js';
import { once, onceRepeatable, sayOnce } from './once.js';
import { roundAction } from './rounds.js';
import { NO_REPLY, say, type Action, type Option, type Reply } from './port.js';

/**
 * Organizations not submitted named in one message of /chuanop: 50 lines fit Telegram's
 * 4,096 characters and two or three of Zalo's messages; the rest are on the next pages
 * and, whole, in the workbook's «Chưa nộp» sheet.
 */
export const NOT_SUBMITTED_PAGE_SIZE = 50;

type Found<T> = { ok: true; value: T } | { ok: false; reply: Reply };

/**
 * Loads the round named by the argument ('#12' or '12'), or else the most recent one
 * that has opened; says so when there is none.
 */
async function fromArgument<T>(request: ChatRequest, arg: string, load: (campaignId: string) => Promise<T | undefined>): Promise<Found<T>> {
  const { db, clock } = request.deps;
  const id = arg ? arg.replace(/^#/, '') : (await latestOpenedCampaign(db, clock.now()))?.id;
  const found = id === undefined ? undefined : await load(id);
  if (found === undefined) return { ok: false, reply: say(arg ? msg.unknownCampaign(escapeHtml(arg)) : msg.noCampaign) };
  return { ok: true, value: found };
}

/** The campaign named by the argument, or the most recent one that has opened. */
export function campaignFromArgument(request: ChatRequest, arg: string): Promise<Found<Campaign>> {
  return fromArgument(request, arg, (id) => getCampaign(request.deps.db, id));
}

export function summaryCommand(request: ChatRequest, args: string): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const { db, forms, clock } = request.deps;
    const summary = await fromArgument(request, args, (id) => buildSummary(db, id, forms, clock.now()));
    if (!summary.ok) return summary.reply;
    return { messages: [withFiles(request, summary.value.campaign.id, renderSummary(summary.value, 'html'))] };
  });
}

/** What /chuanop was asked for: «[số đợt] [mã đảng bộ] [trang N]», each part optional. */
interface NotSubmittedArgs {
  round: string;
  parentCode?: string;
  page: number;
}

function parseNotSubmittedArgs(args: string): NotSubmittedArgs | undefined {
  const words = args.split(/\s+/).filter((word) => word !== '');
  let i = 0;
  const round = words[i] !== undefined && ROUND_ID.test(words[i]!) ? words[i++]! : '';
  const parentCode = words[i] !== undefined && !PAGE_WORD.test(words[i]!) ? words[i++] : undefined;
  let page = 1;
  if (words[i] !== undefined && PAGE_WORD.test(words[i]!)) {
    const n = words[i + 1];
    if (n === undefined || !/^[1-9]\d{0,8}$/.test(n)) return undefined;
    page = Number(n);
    i += 2;
  }
  if (i !== words.length) return undefined;
  return { round, ...(parentCode !== undefined ? { parentCode } : {}), page };
}

const PAGE_WORD = /^trang$/i;

/** /chuanop [N] [mã đảng bộ] [trang P]: a page of the round's organizations not submitted. */
export function notSubmittedCommand(request: ChatRequest, args: string): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const { db, clock } = request.deps;
    const parsed = parseNotSubmittedArgs(args);
    if (!parsed) return say(msg.notSubmittedUsage);
    const info = await fromArgument(request, parsed.round, (id) => getSummaryCampaign(db, id, clock.now()));
    if (!info.ok) return info.reply;
    let parent: Organization | undefined;
    if (parsed.parentCode !== undefined) {
      parent = await findByCode(db, parsed.parentCode);
      if (!parent) return say(msg.unknownOrganization(escapeHtml(parsed.parentCode)));
      // Only a đảng bộ has chi bộ under it: another code would list one organization under a heading that says more.
      if (parent.type !== 'dang_bo_co_so') return say(msg.notAParent(escapeHtml(parent.code)));
    }
    return notSubmittedPage(request, info.value, parsed.page, parent);
  });
}

/** «Trang sau ▶» pressed: the page after the last organization the page before showed. */
export function notSubmittedPageAction(request: ChatRequest, act: Extract<Action, { kind: 'notSubmitted' }>): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const { db, clock } = request.deps;
    const campaign = await getSummaryCampaign(db, act.campaignId, clock.now());
    const parent = act.parentId !== undefined ? await getOrganization(db, act.parentId) : undefined;
    if (!campaign || (act.parentId !== undefined && !parent)) return { ...NO_REPLY, toast: { text: msg.staleButton } };
    return { ...(await notSubmittedPage(request, campaign, act.page, parent, act.afterCode)), pressed: 'retire' };
  });
}

/** Longer than this, a «Trang sau» button's data would not fit Telegram's 64 bytes: it pages by number instead. */
const MAX_AFTER_CODE_CHARS = 24;

async function notSubmittedPage(request: ChatRequest, campaign: SummaryCampaign, page: number, parent: Organization | undefined, afterCode?: string): Promise<Reply> {
  // One more than a page: whether a next page exists, whatever was submitted since the count.
  const found = await listNotSubmitted(request.deps.db, campaign.id, {
    limit: NOT_SUBMITTED_PAGE_SIZE + 1,
    ...(afterCode !== undefined ? { afterCode } : { offset: (page - 1) * NOT_SUBMITTED_PAGE_SIZE }),
    ...(parent ? { parentId: parent.id } : {}),
  });
  const list = { total: found.total, first: found.first.slice(0, NOT_SUBMITTED_PAGE_SIZE) };
  const about = { campaign, ...(parent ? { parent } : {}) };
  // Everyone has submitted (since the page before, perhaps): the list says so.
  if (list.total === 0) return say(renderNotSubmitted(about, list, 'html'));
  if (list.first.length === 0) return say(msg.noSuchPage(formatNumberVi(page, 0), formatNumberVi(pageCount(list.total, NOT_SUBMITTED_PAGE_SIZE), 0)));
  const text = renderNotSubmitted(about, list, 'html', { page, size: NOT_SUBMITTED_PAGE_SIZE });
  if (found.first.length <= NOT_SUBMITTED_PAGE_SIZE) return say(text);
  const lastCode = list.first.at(-1)!.code;
  // Typed as the command it repeats: Zalo lists it under the page, and any page can be typed so.
  const command = [`/chuanop ${campaign.id}`, ...(parent ? [parent.code] : [])].join(' ');
  const next: Option = {
    label: msg.nextPageButton,
    say: msg.nextPageSay(command, page + 1),
    action: {
      kind: 'notSubmitted',
      campaignId: campaign.id,
      page: page + 1,
      ...(parent ? { parentId: parent.id } : {}),
      ...(lastCode.length <= MAX_AFTER_CODE_CHARS ? { afterCode: lastCode } : {}),
    },
  };
  return say(text, [[next]]);
}

/**
 * /nhacnho [N] [ngay]: «Nhắc ngay» typed. It asks first, naming the round (without a
 * number, the latest opened, which may not be the one meant); only «ngay» after the
 * round's number, as the confirmation says to type it, sends.
 */
export async function remindNowCommand(request: ChatRequest, args: string): Promise<Reply> {
  const [first = '', ...rest] = args.split(/\s+/).filter((word) => word !== '');
  const given = first.replace(/^#/, '');
  const numbered = isBigintId(given);
  if (!numbered && first !== '' && !isConfirmWord(first)) return sayOnce(request, msg.unknownCampaign(escapeHtml(args)));
  const id = numbered ? given : (await latestOpenedCampaign(request.deps.db, request.deps.clock.now()))?.id;
  if (id === undefined) return sayOnce(request, msg.noCampaign);
  const confirmed = numbered && rest.length === 1 && isConfirmWord(rest[0]!);
  return roundAction(request, id, confirmed ? 'remind_ok' : 'remind');
}

export function reopenCommand(request: ChatRequest, args: string): Promise<Reply> {
  return once(request, async () => {
    const [code, campaignArg = ''] = args.split(/\s+/);
    if (!code) return say(msg.reopenUsage);
    const campaign = await campaignFromArgument(request, campaignArg);
    if (!campaign.ok) return campaign.reply;
    const result = await reopenSubmission(
      request.deps.db,
      { campaignId: campaign.value.id, organizationCode: code, actor: actorOf(request) },
      request.deps.clock.now(),
    );
    const round = [campaign.value.id, escapeHtml(campaign.value.period_label)] as const;
    switch (result.kind) {
      case 'unknown_org':
        return say(msg.reopenUnknownOrg(escapeHtml(code), ...round));
      case 'not_submitted':
        return say(msg.reopenNotSubmitted(escapeHtml(result.organizationName), ...round));
      case 'ok':
        return say(msg.reopened(escapeHtml(result.organizationName), ...round));
    }
  });
}
