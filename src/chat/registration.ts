/**
 * Registration: "/start CODE" (what Telegram's invite link sends, and what a Zalo user
 * types), or the bare code. A valid code binds the person to the organization; anything
 * else binds nothing and says why.
 */
import { openCampaignsForPerson } from '../services/campaigns.js';
import { redeemInvite } from '../services/invites.js';
import { escapeHtml } from '../text/html.js';
import { formatDeadline } from '../time.js';
import type { ChatRequest } from './context.js';
import { botMessages as msg } from './messages.js';
import { onceRepeatable } from './once.js';
import { say, type Reply } from './port.js';

/** A code as `baocao invites create` makes it (22 characters of base64url): typed alone, it registers. */
const BARE_INVITE_CODE = /^[A-Za-z0-9_-]{22}$/;

/** What people paste around a code: «Mã mời: …», "start …", quotes, a full stop after it. */
const CODE_PREFIX = /^(?:m[aã] m[ờo]i|start)\s*[:：]?\s*/iu;
const CODE_QUOTES = /^[«"“'‘\s]+|[»"”'’.,;!\s]+$/gu;

/** The invite code in what was pasted, its wrapping removed (the argument of /start, or a message). */
export function cleanInviteCode(text: string): string {
  return text.trim().replace(CODE_PREFIX, '').replace(CODE_QUOTES, '');
}

/** An invite code pasted alone, as people paste it (quoted, after «Mã mời:», a full stop after it); undefined for anything else. */
export function bareInviteCode(text: string): string | undefined {
  const code = cleanInviteCode(text);
  return BARE_INVITE_CODE.test(code) ? code : undefined;
}

/** What is open for the person now, as lines under the greeting. */
async function openCampaignLines(request: ChatRequest, personId: string): Promise<string[]> {
  const { db, clock, forms } = request.deps;
  const open = await openCampaignsForPerson(db, personId, clock.now());
  if (open.length === 0) return [msg.noOpenCampaigns];
  const lines: string[] = [msg.openCampaignsHeading];
  const several = new Set(open.map((o) => o.organizationId)).size > 1;
  for (const c of open) {
    const form = await forms.get(c.formId, c.formVersion);
    lines.push(msg.openCampaignLine(escapeHtml(form.title), escapeHtml(c.periodLabel), formatDeadline(c.dueAt), several ? escapeHtml(c.organizationName) : undefined));
  }
  return lines;
}

const failureMessages = {
  unknown: msg.inviteUnknown,
  used: msg.inviteUsed,
  expired: msg.inviteExpired,
  revoked: msg.inviteRevoked,
} as const;

/** /start [CODE]. */
export function startCommand(request: ChatRequest, code: string): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const { caller } = request;
    const name = escapeHtml(caller.user.displayName);
    if (!code) {
      const person = caller.person;
      if (!person) return say(caller.isAdmin ? msg.helpAdmin.trim() : msg.notRegistered);
      return say([msg.welcomeKnown(name), '', ...(await openCampaignLines(request, person.id)), '', msg.startReportHint].join('\n'));
    }
    const result = await redeemInvite(request.deps.db, { code: cleanInviteCode(code), user: caller.user }, request.deps.clock);
    if (result.kind !== 'ok') return say(failureMessages[result.kind]);
    const org = escapeHtml(result.organization.name);
    const greeting = result.alreadyMember ? msg.welcomeAgain(name, org) : msg.welcomeBound(name, org);
    return say([greeting, '', ...(await openCampaignLines(request, result.personId)), '', msg.startReportHint].join('\n'));
  });
}
