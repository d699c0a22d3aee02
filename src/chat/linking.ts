/** /lienket: one person on two channels. Without a code it gives one; with a code it links this account. */
import { escapeHtml } from '../text/html.js';
import { createLinkCode, LINK_CODE_TTL_MS, redeemLinkCode } from '../services/links.js';
import type { ChatRequest } from './context.js';
import { botMessages as msg } from './messages.js';
import { once } from './once.js';
import { say, type Reply } from './port.js';

export function linkCommand(request: ChatRequest, args: string): Promise<Reply> {
  return once(request, async () => {
    const { db, clock } = request.deps;
    const { caller } = request;
    if (!args) {
      if (!caller.person) return say(msg.linkNeedsPerson);
      const { code } = await createLinkCode(db, caller.person.id, clock.now());
      return say(msg.linkCode(code, LINK_CODE_TTL_MS / 60_000));
    }
    const result = await redeemLinkCode(db, { code: args, user: caller.user }, clock.now());
    switch (result.kind) {
      case 'ok': {
        const person = await db.selectFrom('people').select('display_name').where('id', '=', result.personId).executeTakeFirstOrThrow();
        return say(msg.linked(escapeHtml(person.display_name)));
      }
      case 'already':
        return say(msg.linkAlready);
      case 'invalid':
        return say(msg.linkInvalid);
      case 'same_channel':
        return say(msg.linkSameChannel);
    }
  });
}
