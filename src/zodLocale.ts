/**
 * zod's own messages in Vietnamese ("Quá lớn: mong đợi number <=5"), for every schema
 * whose problems reach a person: the environment (config.ts) and form files (forms/schema.ts).
 * Imported for its effect; zod's configuration is global to the process.
 */
import { z } from 'zod';

z.config(z.locales.vi());
