/** The list of rounds with their progress, shown by /dot and in an admin's /trangthai. */
import { listCampaigns, type CampaignListing } from '../services/campaigns.js';
import { escapeHtml } from '../text/html.js';
import { formatDateTime, formatDeadline } from '../time.js';
import type { ChatDeps } from './context.js';
import { roundMessages as msg } from './messages.js';

/** Rounds listed: the most recent; older ones by id (/dot 12) or in the CLI. */
const ROUNDS_IN_LIST = 20;

/** Not yet open, open (until when), or ended, in words. */
export function stateText(c: CampaignListing): string {
  switch (c.state) {
    case 'scheduled':
      return msg.stateScheduled(formatDateTime(c.opensAt));
    case 'closed':
      return msg.stateClosed(formatDateTime(c.closedAt!));
    case 'open':
      return c.closedAt ? msg.stateOpenUntil(formatDateTime(c.closedAt)) : msg.stateOpen;
  }
}

/** The heading and one line per recent round (HTML); [] when there is no round at all. */
export async function roundListLines(deps: Pick<ChatDeps, 'db' | 'clock'>): Promise<string[]> {
  const rounds = await listCampaigns(deps.db, deps.clock, { limit: ROUNDS_IN_LIST });
  if (rounds.length === 0) return [];
  return [
    msg.listHeading,
    ...rounds.map((c) =>
      msg.listLine(c.id, escapeHtml(c.formTitle), escapeHtml(c.periodLabel), formatDeadline(c.dueAt), c.submittedCount, c.targetCount, c.lateCount, stateText(c)),
    ),
  ];
}
