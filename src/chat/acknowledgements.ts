/** «Đã nhận» under an announcement: pressed (one announcement) or typed (every one waiting). */
import { reminderMessages } from '../reminders/messages.js';
import { acknowledgeAnnouncements, acknowledgeDelivery } from '../services/deliveries.js';
import type { ChatRequest } from './context.js';
import { botMessages as msg } from './messages.js';
import { once } from './once.js';
import { NO_REPLY, say, type Reply } from './port.js';

/** The button: only the person the announcement was sent to can acknowledge it. */
export function acknowledgePressed(request: ChatRequest, deliveryId: string): Promise<Reply> {
  return once(request, async () => {
    const person = request.caller.person;
    const ok = person !== undefined && (await acknowledgeDelivery(request.deps.db, deliveryId, person.id, request.deps.clock.now()));
    if (!ok) return { ...NO_REPLY, toast: { text: reminderMessages.acknowledgeRefused } };
    // Keep «Bắt đầu báo cáo», drop «Đã nhận».
    return { ...NO_REPLY, toast: { text: reminderMessages.acknowledged }, pressed: { retire: 'ack' } };
  });
}

/** The typed word: acknowledges what the person has been sent and not yet acknowledged. */
export function acknowledgeTyped(request: ChatRequest): Promise<Reply> {
  return once(request, async () => {
    const person = request.caller.person;
    if (!person) return say(msg.notRegistered);
    const count = await acknowledgeAnnouncements(request.deps.db, person.id, request.deps.clock.now());
    return say(count > 0 ? msg.acknowledgedTyped(count) : msg.nothingToAcknowledge);
  });
}
