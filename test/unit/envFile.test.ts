/** `.env` as the bot and the CLI read it: the file fills in what the environment does not set. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadEnvFile } from '../../src/envFile.js';

const dir = mkdtempSync(join(tmpdir(), 'baocao-envfile-'));
const NAMES = ['BAOCAO_ENVFILE_ONLY', 'BAOCAO_ENVFILE_BOTH'];

afterEach(() => {
  for (const name of NAMES) delete process.env[name];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadEnvFile', () => {
  it('reads the file into the environment; a variable already set wins', () => {
    const path = join(dir, '.env');
    writeFileSync(path, 'BAOCAO_ENVFILE_ONLY=from-file\nBAOCAO_ENVFILE_BOTH=from-file\n');
    process.env.BAOCAO_ENVFILE_BOTH = 'from-environment';
    loadEnvFile(path);
    expect(process.env.BAOCAO_ENVFILE_ONLY).toBe('from-file');
    expect(process.env.BAOCAO_ENVFILE_BOTH).toBe('from-environment');
  });

  it('without the file, changes nothing', () => {
    loadEnvFile(join(dir, 'missing.env'));
    expect(process.env.BAOCAO_ENVFILE_ONLY).toBeUndefined();
  });
});
