/** Ids are Postgres bigints, passed around as strings; text from a user or a button is checked before it reaches SQL. */
export function isBigintId(text: string): boolean {
  return /^\d{1,18}$/.test(text);
}
