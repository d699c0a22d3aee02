/** Whether a round has ended: closed_at set and reached. The one definition every module uses. */
export function isClosed(round: { closed_at: Date | null }, now: Date): boolean {
  return round.closed_at !== null && round.closed_at.getTime() <= now.getTime();
}
