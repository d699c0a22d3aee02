/**
 * Where a phase's time goes, for the dialogue bench: CPU of this process
 * (process.cpuUsage), CPU of the Postgres backends serving the bench's database (their
 * /proc/<pid>/stat, Linux only: the server runs on this machine), and how busy the whole
 * machine was (/proc/stat), since other processes share its cores. Optionally, a V8 CPU
 * profile of the phase (BENCH_CPU_PROFILE=<dir>: one .cpuprofile per measured phase, to
 * open in Chrome DevTools or speedscope).
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import pg from 'pg';
import { DATABASE_SERVER } from './support.js';

/** Linux's USER_HZ: /proc times are in 1/100 s. */
const TICKS_PER_SECOND = 100;

function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function machineTicks(): { busy: number; all: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    return { busy, all: busy + idle! + iowait! };
  } catch {
    return undefined;
  }
}

interface Snapshot {
  at: number;
  node: NodeJS.CpuUsage;
  backends: Map<number, number>;
  machine: { busy: number; all: number } | undefined;
}

export interface CpuFigures {
  seconds: number;
  /** ms of CPU per unit of work. */
  nodeMs: number;
  /** undefined when the backends' CPU cannot be read (another machine, not Linux). */
  postgresMs: number | undefined;
  /** Cores busy on the whole machine during the phase, and how many it has. */
  machineBusyCores: number | undefined;
  machineCores: number | undefined;
  /** Cores this process and its backends kept busy on average. */
  benchCores: number;
}

export class CpuMeter {
  private constructor(
    private readonly admin: pg.Client,
    private readonly database: string,
    private readonly profileDir: string | undefined,
    private readonly session: Session | undefined,
  ) {}

  static async open(database: string): Promise<CpuMeter> {
    const admin = new pg.Client({ connectionString: `${DATABASE_SERVER}/postgres` });
    await admin.connect();
    const profileDir = process.env.BENCH_CPU_PROFILE || undefined;
    let session: Session | undefined;
    if (profileDir) {
      await mkdir(profileDir, { recursive: true });
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 500 });
    }
    return new CpuMeter(admin, database, profileDir, session);
  }

  private async snapshot(): Promise<Snapshot> {
    const { rows } = await this.admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [this.database]);
    const backends = new Map<number, number>();
    for (const { pid } of rows) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) backends.set(pid, ticks);
    }
    return { at: performance.now(), node: process.cpuUsage(), backends, machine: machineTicks() };
  }

  /** Runs `work`, returning its result and the CPU it took per `units()` (read after the work). */
  async measure<T>(name: string, work: () => Promise<T>, units: (result: T) => number): Promise<{ result: T; cpu: CpuFigures }> {
    const before = await this.snapshot();
    if (this.session) await this.session.post('Profiler.start');
    const result = await work();
    if (this.session && this.profileDir) {
      const { profile } = await this.session.post('Profiler.stop');
      await writeFile(join(this.profileDir, `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`), JSON.stringify(profile));
    }
    const after = await this.snapshot();
    const n = units(result);
    const seconds = (after.at - before.at) / 1000;
    const node = process.cpuUsage(before.node);
    // A backend that started during the phase counts whole; one that ended during it is lost (idle ones end after 10 s).
    let backendTicks = 0;
    for (const [pid, ticks] of after.backends) backendTicks += ticks - (before.backends.get(pid) ?? 0);
    const readable = after.backends.size > 0;
    const machine = before.machine && after.machine ? { busy: after.machine.busy - before.machine.busy, all: after.machine.all - before.machine.all } : undefined;
    const cores = machine ? Math.round(machine.all / TICKS_PER_SECOND / seconds) : undefined;
    return {
      result,
      cpu: {
        seconds,
        nodeMs: (node.user + node.system) / 1000 / n,
        postgresMs: readable ? ((backendTicks / TICKS_PER_SECOND) * 1000) / n : undefined,
        machineBusyCores: machine ? machine.busy / TICKS_PER_SECOND / seconds : undefined,
        machineCores: cores,
        benchCores: ((node.user + node.system) / 1e6 + backendTicks / TICKS_PER_SECOND) / seconds,
      },
    };
  }

  async close(): Promise<void> {
    this.session?.disconnect();
    await this.admin.end();
  }
}

/** "CPU per answer: this process 1.20 ms, Postgres backends 0.80 ms; machine 1.90 of 2 cores busy (this bench 1.40)". */
export function cpuLine(cpu: CpuFigures, unit = 'answer'): string {
  const pgPart = cpu.postgresMs === undefined ? 'Postgres backends not readable' : `Postgres backends ${cpu.postgresMs.toFixed(2)} ms`;
  const machine = cpu.machineBusyCores === undefined ? '' : `; machine ${cpu.machineBusyCores.toFixed(2)} of ${cpu.machineCores} cores busy (this bench ${cpu.benchCores.toFixed(2)})`;
  return `CPU per ${unit}: this process ${cpu.nodeMs.toFixed(2)} ms, ${pgPart}${machine}`;
}
