/**
 * The readiness probe's Postgres check through a TCP proxy that can stall (a network that
 * drops packets): a probe answers within its time whatever hangs, and one that gave up
 * leaves no stuck connection in the pool — the next probe, and the bot, get a working one
 * once the network flows again. A query whose new connection is never answered fails after
 * the pool's connect timeout rather than hanging.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, postgresAnswersWithin, type Db } from '../../src/db/connect.js';
import { TEST_PG_SERVER } from '../support/db.js';
import { eventually } from '../support/eventually.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

const PROBE_MS = 300;
let proxy: TcpProxy;
let db: Db;

beforeAll(async () => {
  const server = new URL(TEST_PG_SERVER);
  proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  server.host = `127.0.0.1:${proxy.port}`;
  server.pathname = '/postgres';
  // One connection: a probe that kept a stuck one would leave the pool none.
  db = createDb(server.toString(), { max: 1 });
});

afterAll(async () => {
  proxy?.flow();
  await db?.destroy();
  await proxy?.close();
});

describe('postgresAnswersWithin', () => {
  it('answers false within its time while the network stalls, discards the stuck connection, and answers true once it flows', async () => {
    expect(await postgresAnswersWithin(db, PROBE_MS)).toBe(true);
    expect(proxy.connections).toBe(1);

    proxy.stall();
    const startedAt = Date.now();
    expect(await postgresAnswersWithin(db, PROBE_MS)).toBe(false);
    expect(Date.now() - startedAt).toBeLessThan(PROBE_MS + 1000);
    // The connection whose select 1 never came back is closed, not kept for the next caller.
    await eventually(async () => proxy.connections === 0, 'the stuck connection to be closed');

    // Still stalled: a new connection cannot start either; the probe still answers in time.
    const again = Date.now();
    expect(await postgresAnswersWithin(db, PROBE_MS)).toBe(false);
    expect(Date.now() - again).toBeLessThan(PROBE_MS + 1000);

    proxy.flow();
    expect(await eventually(() => postgresAnswersWithin(db, PROBE_MS), 'the probe to answer again')).toBe(true);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('a query whose connection Postgres never answers fails after the connect timeout instead of waiting for ever, and works once the network flows', async () => {
    const server = new URL(TEST_PG_SERVER);
    server.host = `127.0.0.1:${proxy.port}`;
    server.pathname = '/postgres';
    const timed = createDb(server.toString(), { max: 1, connectTimeoutMs: PROBE_MS });
    try {
      proxy.stall();
      const startedAt = Date.now();
      await expect(sql`select 1`.execute(timed)).rejects.toThrow(/timeout/i);
      expect(Date.now() - startedAt).toBeLessThan(PROBE_MS + 2000);
      proxy.flow();
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(timed);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      proxy.flow();
      await timed.destroy();
    }
  });

  it('refuses a database that createDb did not make, saying so', async () => {
    await expect(postgresAnswersWithin({} as Db, PROBE_MS)).rejects.toThrow('createDb');
  });
});
