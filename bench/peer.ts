/**
 * The peer of the dialogue bench: grammY's conversations plugin (v2) with its state in
 * Postgres through @grammyjs/storage-psql, in ../shared/peers/conversations (outside this
 * repository; BENCH_PEER_DIR to point elsewhere). Its code and dependencies never enter
 * the repository: it is copied to a directory under os.tmpdir() named after the hash of
 * its lockfile, installed there once with `npm ci` (later runs reuse the install), and
 * run as a child process (`node bench.mjs psql <users> <questions>`) against a database
 * of its own; its printed figures are parsed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DATABASE_SERVER } from './support.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PEER_SOURCE = resolve(REPO_ROOT, process.env.BENCH_PEER_DIR ?? '../shared/peers/conversations');
const PEER_DATABASE = 'peer_bench';
const INSTALLED_MARKER = '.baocao-bench-installed';
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = 15 * 60_000;

export interface PeerFigures {
  answersPerSecond: number;
  /** Mean ms per answer at question 1, Q/2 and Q, as the peer prints them. */
  q1: number;
  qMid: number;
  qLast: number;
  stateBytes?: number;
}

export interface Peer {
  dir: string;
  /** True when this run installed it (false: the cached install was reused). */
  installedNow: boolean;
  run(users: number, questions: number): Promise<PeerFigures>;
  close(): Promise<void>;
}

interface Output {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Output> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The start of a tool's error output (where npm says what went wrong) and its last lines. */
function excerpt(text: string): string {
  const lines = text.trim().split('\n');
  return lines.length <= 12 ? lines.join('\n') : [...lines.slice(0, 8), '  …', ...lines.slice(-3)].join('\n');
}

function failure(what: string, out: Output): Error {
  const how = out.timedOut ? 'timed out' : out.signal ? `killed by ${out.signal}` : `exit code ${out.code}`;
  return new Error(`${what} failed (${how}):\n${excerpt(out.stderr || out.stdout)}`);
}

/** Copies the peer's own files (not node_modules) into `dir`, writable so later copies can overwrite them. */
async function copySources(dir: string): Promise<void> {
  for (const entry of await readdir(PEER_SOURCE, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const target = join(dir, entry.name);
    if (entry.isFile() && existsSync(target)) await chmod(target, 0o644);
    await cp(join(PEER_SOURCE, entry.name), target, { recursive: true, force: true });
    if (entry.isFile()) await chmod(target, 0o644);
  }
}

/** The install directory for this lockfile, installed if it is not already. */
async function installed(log: (line: string) => void): Promise<{ dir: string; installedNow: boolean }> {
  const lock = await readFile(join(PEER_SOURCE, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `baocao-bench-peer-${hash}`);
  if (existsSync(join(dir, INSTALLED_MARKER))) {
    await copySources(dir);
    return { dir, installedNow: false };
  }
  log(`installing the peer (npm ci) into ${dir}…`);
  const staging = await mkdtemp(join(tmpdir(), `baocao-bench-peer-${hash}-staging-`));
  try {
    await copySources(staging);
    const out = await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: staging, timeoutMs: INSTALL_TIMEOUT_MS });
    if (out.code !== 0) throw failure('npm ci', out);
    await writeFile(join(staging, INSTALLED_MARKER), `${new Date().toISOString()}\n`);
    // Another bench run may have installed it meanwhile: then theirs is used.
    if (!existsSync(join(dir, INSTALLED_MARKER))) {
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir).catch((error: unknown) => {
        if (!existsSync(join(dir, INSTALLED_MARKER))) throw error;
      });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { dir, installedNow: true };
}

async function recreateDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: `${DATABASE_SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${PEER_DATABASE} with (force)`);
    await admin.query(`create database ${PEER_DATABASE}`);
  } finally {
    await admin.end();
  }
  return `${DATABASE_SERVER}/${PEER_DATABASE}`;
}

export function parsePeerOutput(stdout: string): PeerFigures {
  const rate = /answers\/s=(\d+(?:\.\d+)?)/.exec(stdout);
  const per = /ms per answer at q1=([\d.]+) q\d+=([\d.]+) q\d+=([\d.]+)/.exec(stdout);
  const state = /stored state per user after the form: (\d+) bytes/.exec(stdout);
  if (!rate || !per) throw new Error(`unexpected peer output:\n${excerpt(stdout)}`);
  return {
    answersPerSecond: Number(rate[1]),
    q1: Number(per[1]),
    qMid: Number(per[2]),
    qLast: Number(per[3]),
    ...(state ? { stateBytes: Number(state[1]) } : {}),
  };
}

/** Installs (or reuses) the peer and creates its database; throws with the reason if it cannot. */
export async function preparePeer(log: (line: string) => void): Promise<Peer> {
  if (!existsSync(join(PEER_SOURCE, 'bench.mjs'))) throw new Error(`no peer at ${PEER_SOURCE} (bench.mjs missing)`);
  const { dir, installedNow } = await installed(log);
  const databaseUrl = await recreateDatabase();
  // npm run's own variables are not the peer's business.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))) as NodeJS.ProcessEnv;
  env.DATABASE_URL = databaseUrl;
  delete env.HOLD;
  return {
    dir,
    installedNow,
    async run(users, questions) {
      // As the project's database before each of its runs: statistics of what earlier runs left.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('analyze').finally(() => client.end());
      const out = await run(process.execPath, ['bench.mjs', 'psql', String(users), String(questions)], { cwd: dir, env, timeoutMs: RUN_TIMEOUT_MS });
      if (out.code !== 0) throw failure('node bench.mjs', out);
      return parsePeerOutput(out.stdout);
    },
    async close() {
      const admin = new pg.Client({ connectionString: `${DATABASE_SERVER}/postgres` });
      await admin.connect();
      await admin.query(`drop database if exists ${PEER_DATABASE} with (force)`).finally(() => admin.end());
    },
  };
}
