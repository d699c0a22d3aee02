/**
 * Button payloads of the admin's round commands (≤ 64 bytes, checked for admin
 * rights on the server whatever the payload says):
 *   dm:<seq>:<value>   a button of the /dotmoi or deadline wizard, shown at prompt <seq>
 *   dt:<id>:<action>   an action on round <id> from /dot <id>
 */
export type RoundAction = 'due' | 'close' | 'close_ok' | 'close_no' | 'remind';

export type RoundButton = { kind: 'wizard'; seq: number; value: string } | { kind: 'round'; campaignId: string; action: RoundAction };

const ACTION_CODES: Record<RoundAction, string> = { due: 'd', close: 'c', close_ok: 'cy', close_no: 'cn', remind: 'r' };
const ACTIONS_BY_CODE = new Map(Object.entries(ACTION_CODES).map(([action, code]) => [code, action as RoundAction]));

export const ROUND_BUTTON_PATTERN = /^d[mt]:/;

export function encodeRoundButton(button: RoundButton): string {
  const data = button.kind === 'wizard' ? `dm:${button.seq}:${button.value}` : `dt:${button.campaignId}:${ACTION_CODES[button.action]}`;
  if (Buffer.byteLength(data) > 64) throw new RangeError(`callback data too long: ${data}`);
  return data;
}

/** Undefined for anything else (or an older format). */
export function decodeRoundButton(data: string): RoundButton | undefined {
  const wizard = /^dm:(\d{1,9}):([a-z0-9]{1,16})$/.exec(data);
  if (wizard) return { kind: 'wizard', seq: Number(wizard[1]), value: wizard[2]! };
  const round = /^dt:(\d{1,18}):([a-z]{1,2})$/.exec(data);
  const action = round ? ACTIONS_BY_CODE.get(round[2]!) : undefined;
  if (round && action) return { kind: 'round', campaignId: round[1]!, action };
  return undefined;
}
