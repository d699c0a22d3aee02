/**
 * A marker per chat of what the bot last sent there, as this process sent it (Telegram in
 * polling mode: the ids of the last report prompt, which a reply without buttons may be
 * trusted to answer). Kept in memory and bounded: after a restart nothing is known.
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
