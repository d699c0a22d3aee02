/**
 * Every migration, in order. Listed statically (rather than read from the folder)
 * so the same code runs under tsx, vitest and a compiled build.
 * Add new migrations at the end; never edit one that has landed.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_reminders.js';
import * as m0003 from './0003_channels.js';
import * as m0004 from './0004_answer_path.js';
import * as m0005 from './0005_round_figures.js';
import * as m0006 from './0006_settings.js';
import * as m0007 from './0007_delivery_retries.js';
import * as m0008 from './0008_update_replies.js';
import * as m0009 from './0009_shown_prompts.js';
import * as m0010 from './0010_identity_unreachable.js';
import * as m0011 from './0011_delivery_parts_sent.js';

export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_reminders': m0002,
  '0003_channels': m0003,
  '0004_answer_path': m0004,
  '0005_round_figures': m0005,
  '0006_settings': m0006,
  '0007_delivery_retries': m0007,
  '0008_update_replies': m0008,
  '0009_shown_prompts': m0009,
  '0010_identity_unreachable': m0010,
  '0011_delivery_parts_sent': m0011,
};
