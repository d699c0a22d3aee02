/** /trangthai for reporters (their organizations) and admins (every campaign), and /trogiup. */
import { Composer } from 'grammy';
import { statusForPerson, type ReportState } from '../src/services/status.js';
import { escapeHtml } from '../src/text/html.js';
import { formatDateTime, formatDeadline } from '../src/time.js';
import type { BotContext } from './context.js';
import { botMessages as msg, roundMessages } from './messages.js';
import { sendHtml } from './render.js';
import { roundListLines } from './roundList.js';

export const statusHandlers = new Composer<BotContext>();

function describeState(state: ReportState): string {
  switch (state.kind) {
    case 'not_started':
      return msg.stateNotStarted;
    case 'draft':
      return msg.stateDraft(state.answered, state.remaining, state.total);
    case 'submitted':
      return state.late ? msg.stateSubmittedLate(formatDateTime(state.at)) : msg.stateSubmitted(formatDateTime(state.at));
  }
}

async function reporterStatus(ctx: BotContext, personId: string): Promise<string[]> {
  const orgs = await statusForPerson(ctx.deps.db, ctx.deps.forms, personId, ctx.deps.clock.now());
  if (orgs.length === 0) return [];
  const lines: string[] = [msg.statusHeading];
  for (const org of orgs) {
    lines.push(msg.statusOrg(escapeHtml(org.organizationName)));
    if (org.campaigns.length === 0) lines.push(msg.statusNone);
    for (const c of org.campaigns) {
      const state = describeState(c.state) + (c.closed ? msg.stateClosedSuffix : '');
      lines.push(msg.statusLine(escapeHtml(c.formTitle), escapeHtml(c.periodLabel), formatDeadline(c.dueAt), state));
    }
  }
  return lines;
}

/** The admin's section: the same list as /dot. */
async function adminStatus(ctx: BotContext): Promise<string[]> {
  const lines = await roundListLines(ctx);
  return lines.length > 0 ? lines : [roundMessages.listNone];
}

statusHandlers.command('trangthai', async (ctx) => {
  const { person, isAdmin } = ctx.caller;
  const sections: string[] = [];
  if (person) sections.push(...(await reporterStatus(ctx, person.id)));
  if (isAdmin) sections.push(...(sections.length ? [''] : []), ...(await adminStatus(ctx)));
  if (sections.length === 0) return void (await ctx.reply(msg.notRegistered));
  await sendHtml(ctx, sections.join('\n'));
});

statusHandlers.command(['trogiup', 'help'], async (ctx) => {
  await sendHtml(ctx, ctx.caller.isAdmin ? msg.helpSecretary + '\n' + msg.helpAdmin : msg.helpSecretary);
});
