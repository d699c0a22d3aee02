/**
 * The deployment files: docker-compose.yml as Docker Compose itself resolves it (`docker compose
 * config` parses and validates without an engine, which this machine does not have), and the
 * Dockerfile, .dockerignore and systemd units as text. Nothing here builds or starts a container.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Settings that must come only from the env file, never from the compose file or the image. */
const SECRETS = ['BOT_TOKEN', 'ZALO_BOT_TOKEN', 'WEBHOOK_SECRET', 'ZALO_WEBHOOK_SECRET', 'LINK_SECRET', 'POSTGRES_PASSWORD'];
const PASSWORD = 'pw-from-the-env-file-4f1c';
const APP_SERVICES = ['migrate', 'web', 'worker'] as const;

type Service = {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
  volumes?: (string | { source?: string; target?: string })[];
  restart?: string;
  user?: string;
};
type Compose = { services: Record<string, Service> };

type Client = { label: string; command: string; prefix: string[]; json: boolean };

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000, ...options });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

/** `docker compose` (v2) when the plugin is there, else a standalone `docker-compose` (v2, or Debian's 1.29). */
function findComposeClient(): Client {
  for (const [command, prefix] of [['docker', ['compose']], ['docker-compose', []]] as const) {
    const version = run(command, [...prefix, 'version']);
    const major = /(\d+)\.\d+\.\d+/.exec(version.stdout)?.[1];
    if (version.status === 0 && major) {
      return { label: [command, ...prefix].join(' '), command, prefix: [...prefix], json: Number(major) >= 2 };
    }
  }
  throw new Error(
    'No Docker Compose client: `docker compose version` and `docker-compose version` both failed. ' +
      'Install the compose plugin, or Debian\'s client: apt-get install -y --no-install-recommends docker-compose',
  );
}

/** Compose 1.x prints YAML only: convert it with PyYAML from the Python that runs that client. */
function yamlToJson(client: Client, yaml: string): string {
  const where = run('sh', ['-c', `command -v ${client.command}`]).stdout.trim();
  const shebang = /^#!\s*(\S*python\S*)/.exec(readFileSync(where, 'utf8').split('\n', 1)[0] ?? '')?.[1] ?? 'python3';
  const converted = run(shebang, ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: yaml });
  if (converted.status !== 0) throw new Error(`could not convert ${client.label} config output to JSON: ${converted.stderr}`);
  return converted.stdout;
}

/** `config` of the repository's compose file, with `envFile` as the project's .env. */
function composeConfig(client: Client, envFile: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'baocao-compose-'));
  try {
    writeFileSync(join(dir, '.env'), envFile);
    const env = { ...process.env };
    for (const name of [...SECRETS, 'COMPOSE_FILE', 'COMPOSE_PROJECT_NAME', 'COMPOSE_PROFILES']) delete env[name];
    const args = [...client.prefix, '-f', join(ROOT, 'docker-compose.yml'), '--project-directory', dir, 'config', ...(client.json ? ['--format', 'json'] : [])];
    return run(client.command, args, { cwd: dir, env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const commandText = (command: Service['command']) => (Array.isArray(command) ? command.join(' ') : (command ?? ''));

/** Serves /healthz with `status`; runs a health-check script (its 8080 replaced by the server's port); its exit code. */
async function healthCheckExit(script: string, status: number): Promise<number | null> {
  const server: Server = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? status : 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    // Asynchronous: the server answers from this process's event loop.
    const child = spawn(process.execPath, ['-e', script.replaceAll('8080', String(port))], {
      env: { ...process.env, HTTP_PORT: String(port) },
      stdio: 'ignore',
      timeout: 10_000,
    });
    return await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('docker-compose.yml, as `docker compose config` resolves it', () => {
  let client: Client;
  let compose: Compose;
  const raw = read('docker-compose.yml');

  beforeAll(() => {
    client = findComposeClient();
    // The quick start: `cp .env.example .env`, plus the database password.
    const result = composeConfig(client, `${read('.env.example')}\nPOSTGRES_PASSWORD=${PASSWORD}\n`);
    if (result.status !== 0) throw new Error(`${client.label} config failed:\n${result.stderr}`);
    compose = JSON.parse(client.json ? result.stdout : yamlToJson(client, result.stdout)) as Compose;
  });

  it('has postgres, redis, a one-shot migrate, web and worker', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'migrate', 'web', 'worker']));
  });

  it('runs Redis with noeviction and AOF on a volume, with a health check', () => {
    const redis = compose.services.redis!;
    const command = commandText(redis.command);
    expect(command).toMatch(/--maxmemory-policy noeviction\b/);
    expect(command).toMatch(/--appendonly yes\b/);
    expect(JSON.stringify(redis.volumes)).toContain('/data');
    expect(commandText(redis.healthcheck?.test as string[])).toContain('redis-cli ping');
  });

  it('runs PostgreSQL 15 or 16 on a volume, checked with pg_isready', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:1[56]\b/);
    expect(JSON.stringify(postgres.volumes)).toContain('/var/lib/postgresql/data');
    expect(commandText(postgres.healthcheck?.test as string[])).toContain('pg_isready');
    expect(postgres.environment?.POSTGRES_PASSWORD).toBe(PASSWORD);
  });

  it('starts web and worker after postgres and redis are healthy and migrate has completed', () => {
    for (const name of ['web', 'worker']) {
      const service = compose.services[name]!;
      expect(commandText(service.command), name).toMatch(new RegExp(`bin/baocao\\.js ${name}$`));
      expect(service.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(service.depends_on?.redis?.condition, name).toBe('service_healthy');
      expect(service.depends_on?.migrate?.condition, name).toBe('service_completed_successfully');
      expect(service.healthcheck?.disable, name).not.toBe(true);
      expect(commandText(service.healthcheck?.test as string[]), name).toContain('/healthz');
    }
    const migrate = compose.services.migrate!;
    expect(commandText(migrate.command)).toMatch(/bin\/baocao\.js migrate$/);
    expect(migrate.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(migrate.restart).toBe('no');
  });

  it('points the app at the compose network and listens on 0.0.0.0, whatever .env says', () => {
    for (const name of APP_SERVICES) {
      const env = compose.services[name]!.environment ?? {};
      expect(env.DATABASE_URL, name).toBe(`postgres://baocao:${PASSWORD}@postgres:5432/baocao`);
      expect(env.REDIS_URL, name).toBe('redis://redis:6379');
      expect(env.HTTP_HOST, name).toBe('0.0.0.0');
      expect(env.HTTP_PORT, name).toBe('8080');
      // The rest comes from the env file.
      expect(env.QUIET_HOURS, name).toBe('21:00-07:00');
    }
  });

  it('holds no secret itself: with the example env file every secret is empty', () => {
    for (const name of APP_SERVICES) {
      const env = compose.services[name]!.environment ?? {};
      for (const secret of SECRETS.filter((s) => s !== 'POSTGRES_PASSWORD')) expect(env[secret] ?? '', `${name} ${secret}`).toBe('');
    }
    for (const secret of SECRETS) {
      for (const match of raw.matchAll(new RegExp(`^[\\s-]*"?${secret}"?\\s*[:=][ \\t]*(.*)$`, 'gm'))) {
        expect(match[1]!.trim(), `${secret} in docker-compose.yml`).toMatch(/^(\$\{.*\})?$/);
      }
    }
    expect(raw).not.toMatch(/\d{6,}:[\w-]{30,}/); // a Telegram bot token
  });

  it('refuses to start without POSTGRES_PASSWORD, naming it', () => {
    const result = composeConfig(client, read('.env.example'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('POSTGRES_PASSWORD');
  });

  it('has a health check that passes on 200 and fails otherwise', async () => {
    const test = compose.services.web!.healthcheck!.test as string[];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(await healthCheckExit(test[3]!, 200)).toBe(0);
    expect(await healthCheckExit(test[3]!, 503)).toBe(1);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('builds in two stages on the same glibc Node 20 image, production dependencies only', () => {
    const froms = instructions.filter((l) => /^FROM\s/i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:20-bookworm-slim AS \w+$/);
    expect(instructions.some((l) => /^COPY --from=\w+ /.test(l))).toBe(true);
    expect(instructions.some((l) => /^RUN .*npm ci --omit=dev\b/.test(l))).toBe(true);
  });

  it('copies what the app reads at run time, all of which exists', () => {
    const copied = instructions.filter((l) => /^COPY (?!--from)/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'bin', 'src', 'jobs', 'migrations', 'forms', 'assets']) {
      expect(copied, path).toContain(path);
      expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
  });

  it('runs as a non-root user with a /healthz health check, and bakes in no secret', () => {
    const users = instructions.filter((l) => /^USER\s/.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|\s|$)/);
    const health = instructions.find((l) => /^HEALTHCHECK\s/.test(l));
    expect(health).toContain('/healthz');
    for (const line of instructions.filter((l) => /^(ENV|ARG)\s/.test(l))) {
      for (const secret of SECRETS) expect(line, secret).not.toContain(secret);
    }
  });

  it('has a health check command that passes on 200 and fails otherwise', async () => {
    const health = instructions.find((l) => /^HEALTHCHECK\s/.test(l))!;
    const exec = JSON.parse(health.slice(health.indexOf('CMD ') + 4)) as string[];
    expect(exec.slice(0, 2)).toEqual(['node', '-e']);
    expect(await healthCheckExit(exec[2]!, 200)).toBe(0);
    expect(await healthCheckExit(exec[2]!, 500)).toBe(1);
  });

  it('keeps .env and node_modules out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toContain('.env');
    expect(ignored).toContain('node_modules');
  });
});

describe('systemd units', () => {
  for (const role of ['web', 'worker']) {
    it(`baocao-${role}.service runs \`baocao ${role}\` as a dedicated user, hardened`, () => {
      const unit = read(`deploy/baocao-${role}.service`);
      const settings = unit.split('\n').filter((l) => !l.startsWith('#'));
      const has = (line: string) => expect(settings, line).toContain(line);
      has(`ExecStart=/usr/bin/node /opt/baocao/bin/baocao.js ${role}`);
      has('User=baocao');
      has('EnvironmentFile=/etc/baocao/env');
      has('Restart=always');
      has('NoNewPrivileges=yes');
      has('ProtectSystem=strict');
      has('PrivateTmp=yes');
      expect(settings.filter((l) => l.startsWith('ExecStart='))).toHaveLength(1);
      // V8's JIT needs writable+executable memory.
      expect(settings.some((l) => /^MemoryDenyWriteExecute=(yes|true|1)/.test(l))).toBe(false);
    });
  }
});
