/**
 * Commands of the committee office that read or change figures: /tonghop, /chuanop,
 * /nhacnho, /molai. The router refuses them to anyone but an admin before they run.
 */
import { isBigintId } from '../db/ids.js';
import type { Campaign } from '../db/schema.js';
import { buildSummary, getSummaryCampaign, listNotSubmitted } from '../reports/figures.js';
import { renderNotSubmitted, renderSummary } from '../reports/text.js';
import { getCampaign, latestOpenedCampaign } from '../services/campaigns.js';
import { reopenSubmission } from '../services/submissions.js';
import { escapeHtml } from '../text/html.js';
import { actorOf, type ChatRequest } from './context.js';
import { withFiles } from './files.js';
import { botMessages as msg } from './messages.js';
import { once, onceRepeatable, sayOnce } from './once.js';
import { roundAction } from './rounds.js';
import { say, type Reply } from './port.js';

/** Not-submitted organizations named in a chat message; the full list is in the CLI and the export. */
const NOT_SUBMITTED_IN_CHAT = 100;

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

export function notSubmittedCommand(request: ChatRequest, args: string): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const { db, clock } = request.deps;
    const info = await fromArgument(request, args, (id) => getSummaryCampaign(db, id, clock.now()));
    if (!info.ok) return info.reply;
    const list = await listNotSubmitted(db, info.value.id, { limit: NOT_SUBMITTED_IN_CHAT });
    return say(renderNotSubmitted({ campaign: info.value }, list, 'html'));
  });
}

/**
 * /nhacnho [N] [ngay]: «Nhắc ngay» typed. It asks first, naming the round (without a
 * number, the latest opened, which may not be the one meant); only «ngay» after the
 * round's number, as the confirmation says to type it, sends.
 */
export async function remindNowCommand(request: ChatRequest, args: string): Promise<Reply> {
  const [first = '', ...rest] = args.split(/\s+/).filter((word) => word !== '');
  const numbered = isBigintId(first.replace(/^#/, ''));
  if (!numbered && first !== '' && !CONFIRM_WORD.test(first)) return sayOnce(request, msg.unknownCampaign(escapeHtml(args)));
  const id = numbered ? first.replace(/^#/, '') : (await latestOpenedCampaign(request.deps.db, request.deps.clock.now()))?.id;
  if (id === undefined) return sayOnce(request, msg.noCampaign);
  const confirmed = numbered && rest.length === 1 && CONFIRM_WORD.test(rest[0]!);
  return roundAction(request, id, confirmed ? 'remind_ok' : 'remind');
}

/** What confirms a typed action on a round, after its number: «/nhacnho 12 ngay», as «/ketthuc 12 ngay». */
const CONFIRM_WORD = /^ngay$/i;

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
