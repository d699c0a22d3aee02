/**
 * What each chat last got from the bot, as this process sent it: an adapter compares an
 * incoming message with it to tell the chat layer that the message was sent before that
 * reply reached the person (two quick messages). Kept in memory and bounded: after a
 * restart the first message of a chat is simply taken as sent after.
 */
const MAX_CHATS = 50_000;

export class LastReplies<T> {
  private readonly byChat = new Map<string, T>();

  record(chatId: string, marker: T): void {
    this.byChat.delete(chatId);
    this.byChat.set(chatId, marker);
    if (this.byChat.size > MAX_CHATS) this.byChat.delete(this.byChat.keys().next().value!);
  }

  get(chatId: string): T | undefined {
    return this.byChat.get(chatId);
  }
}
