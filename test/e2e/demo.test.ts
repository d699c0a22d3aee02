/**
 * README's quick start: `npm run demo` as a new user types into it, on Telegram and on
 * Zalo. The demo process is started as the script runs it; lines go to its stdin one by
 * one, each after the answer to the one before appeared on its stdout: registering,
 * «Đã nhận», a report begun and answered, the office's summary and its workbook (saved
 * where the demo says on Telegram, a download link that serves it on Zalo).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix, createRedis } from '../../jobs/connection.js';
import { dropDatabase, TEST_PG_SERVER } from '../support/db.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Demo {
  /** Resolves with what the demo printed since `from` once it includes `expected` (read as it prints). */
  printed(expected: string, from?: number, timeoutMs?: number): Promise<string>;
  /** Types `line` and waits for `expected` in what comes after it. */
  typeAndSee(line: string, expected: string): Promise<string>;
  /** Ctrl+D: resolves with the exit code. */
  end(): Promise<number | null>;
  filesDir: string;
}

/** The demo of one test, with its own database, Redis keys and files folder; removed after the tests. */
function demoSession(label: string, args: string[]): Demo {
  const name = `baocao_demo_${label}_${process.pid}`;
  const redisPrefix = `demo-${label}-${process.pid}`;
  const filesDir = mkdtempSync(join(tmpdir(), `baocao-demo-${label}-`));
  let demo: ChildProcessWithoutNullStreams;
  let output = '';
  beforeAll(() => {
    demo = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts', ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', DEMO_DATABASE_URL: `${TEST_PG_SERVER}/${name}`, DEMO_REDIS_PREFIX: redisPrefix, DEMO_FILES_DIR: filesDir },
    });
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  afterAll(async () => {
    if (demo.exitCode === null) demo.kill('SIGKILL');
    await dropDatabase(name);
    const redis = createRedis('redis://127.0.0.1:6379', 'worker');
    await clearRedisPrefix(redis, redisPrefix);
    await redis.quit();
    rmSync(filesDir, { recursive: true, force: true });
  });
  const printed = (expected: string, from = 0, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!output.slice(from).includes(expected)) return;
        done();
        resolve(output.slice(from));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`«${expected}» not printed within ${timeoutMs} ms; the demo printed:\n${output.slice(from)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        demo.stdout.off('data', check);
      };
      demo.stdout.on('data', check);
      check();
    });
  return {
    printed,
    typeAndSee(line, expected) {
      const from = output.length;
      demo.stdin.write(`${line}\n`);
      return printed(expected, from);
    },
    end() {
      const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
      demo.stdin.end();
      return exited;
    },
    filesDir,
  };
}

describe('npm run demo', () => {
  const demo = demoSession('telegram', []);

  it('registers the secretary and announces the round', async () => {
    const shown = await demo.printed('Thông báo đợt báo cáo', 0, 60_000);
    expect(shown).toContain('Đồng chí đã được ghi nhận là người báo cáo của Chi bộ Sở Tài chính');
  }, 70_000);

  it('shows the notice of «Đã nhận», then takes answers typed and pressed', async () => {
    await demo.typeAndSee('#2', 'Đã ghi nhận');
    await demo.typeAndSee('/baocao', 'Câu 1/14');
    await demo.typeAndSee('có', 'Câu 2/14');
    await demo.typeAndSee('#1', 'Câu 3/14');
  });

  it('gives the office its summary and saves the workbook it is sent', async () => {
    await demo.typeAndSee('admin: /tonghop', 'TỔNG HỢP BÁO CÁO');
    const sent = await demo.typeAndSee('admin: #1', '.xlsx');
    const path = /→ (\S+\.xlsx)/.exec(sent)?.[1];
    expect(path?.startsWith(demo.filesDir)).toBe(true);
    expect(existsSync(path!)).toBe(true);
  });

  it('ends on Ctrl+D', async () => {
    expect(await demo.end()).toBe(0);
  });
});

describe('npm run demo -- --zalo', () => {
  const demo = demoSession('zalo', ['--zalo']);

  it('takes typed answers and gives the office download links that work', async () => {
    await demo.printed('Thông báo đợt báo cáo', 0, 60_000);
    await demo.typeAndSee('baocao', 'Câu 1/14');
    await demo.typeAndSee('1', 'Câu 2/14');
    const summary = await demo.typeAndSee('admin: tonghop', 'Biểu đồ: http');
    const link = /Tải Excel: (http:\/\/127\.0\.0\.1:\d+\/files\/\S+)/.exec(summary)?.[1];
    const response = await fetch(link!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    expect(await demo.end()).toBe(0);
  }, 90_000);
});
