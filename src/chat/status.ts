/** /trangthai for reporters (their organizations) and admins (every round), and /trogiup. */
import { statusForPerson, type ReportState } from '../services/status.js';
import { escapeHtml } from '../text/html.js';
import { formatDateTime, formatDeadline } from '../time.js';
import type { ChatRequest } from './context.js';
import { botMessages as msg, roundMessages } from './messages.js';
import { onceRepeatable, sayOnce } from './once.js';
import { say, type Reply } from './port.js';
import { roundListLines } from './roundList.js';

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

async function reporterStatus(request: ChatRequest, personId: string): Promise<string[]> {
  const { db, forms, clock } = request.deps;
  const orgs = await statusForPerson(db, forms, personId, clock.now());
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

/** /trangthai: the person's organizations, and for an admin the list of rounds. */
export function statusCommand(request: ChatRequest): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const { person, isAdmin } = request.caller;
    const sections: string[] = [];
    if (person) sections.push(...(await reporterStatus(request, person.id)));
    if (isAdmin) {
      const rounds = await roundListLines(request.deps);
      sections.push(...(sections.length ? [''] : []), ...(rounds.length > 0 ? rounds : [roundMessages.listNone]));
    }
    if (sections.length === 0) return say(msg.notRegistered);
    return say(sections.join('\n'));
  });
}

/** /trogiup: the commands this person may use. */
export function helpCommand(request: ChatRequest): Promise<Reply> {
  return sayOnce(request, request.caller.isAdmin ? msg.helpSecretary + '\n' + msg.helpAdmin : msg.helpSecretary);
}
