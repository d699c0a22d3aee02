/** Option value parsers shared by the commands; they throw commander's InvalidArgumentError with a Vietnamese reason. */
import { InvalidArgumentError } from 'commander';
import { cliMessages as msg } from './messages.js';

export function positiveInteger(value: string): number {
  if (!/^\d{1,9}$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(msg.badInteger(value));
  return Number(value);
}

/** Repeatable, comma-separated list option: --org A --org B,C → ['A','B','C']. */
export function collectCodes(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

export function telegramId(value: string): number {
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed) || Number(trimmed) === 0) throw new InvalidArgumentError(msg.badTelegramId(value));
  return Number(trimmed);
}
