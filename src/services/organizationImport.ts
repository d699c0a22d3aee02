/**
 * Importing the list of organizations from a CSV or XLSX file.
 *
 * The file is validated as a whole first and every problem is reported with its
 * line number, so whoever prepares the file fixes everything in one pass. Only a
 * file without a single problem is written, in one transaction, upserting by
 * code: importing the same file twice changes nothing the second time.
 *
 * Header: ma, ten, loai, ma_cap_tren (order free; case, spaces, underscores and
 * Vietnamese diacritics are ignored, so "Mã cấp trên" works too). Types may be
 * written as the codes (dang_bo_co_so) or in words ("Đảng bộ cơ sở").
 * The hierarchy has one level: a chi_bo_truc_thuoc has a parent that is a
 * dang_bo_co_so; the other two types have no parent.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import { ORGANIZATION_TYPES, type Database, type OrganizationType } from '../db/schema.js';
import { foldVietnamese } from '../text/normalize.js';
import type { Clock } from '../time.js';
import { recordAudit } from './audit.js';
import { organizationMessages as msg } from './messages/organizations.js';
import { inTransaction } from '../db/transaction.js';

export type OrganizationFileKind = 'csv' | 'xlsx';

/**
 * One data row of the file; `line` is the 1-based line (CSV) or row number (XLSX).
 * The header is the first non-empty line (usually line 1).
 */
export interface OrganizationRow {
  line: number;
  code: string;
  name: string;
  /** As written in the file (trimmed); validated by importOrganizations. */
  type: string;
  /** '' when the row has no parent. */
  parentCode: string;
}

export type ParseResult = { kind: 'ok'; rows: OrganizationRow[] } | { kind: 'invalid'; errors: string[] };

export type ImportResult =
  | { kind: 'ok'; created: number; updated: number; unchanged: number }
  | { kind: 'invalid'; errors: string[] };

const COLUMNS = ['ma', 'ten', 'loai', 'ma_cap_tren'] as const;
type Column = (typeof COLUMNS)[number];
const BATCH_SIZE = 1000;

/** Diacritics, case, spaces, underscores and dashes removed: "Mã cấp trên" → "macaptren". */
function fold(s: string): string {
  return foldVietnamese(s).replace(/[\s_\-]+/g, '');
}

const COLUMN_BY_FOLDED = new Map<string, Column>(COLUMNS.map((c) => [fold(c), c]));
const TYPE_BY_FOLDED = new Map<string, OrganizationType>(ORGANIZATION_TYPES.map((t) => [fold(t), t]));

/** The organization type meant by a cell, or undefined. */
export function normalizeOrganizationType(value: string): OrganizationType | undefined {
  return TYPE_BY_FOLDED.get(fold(value));
}

/** Whitespace runs (including non-breaking spaces from spreadsheets) become one space. */
function clean(value: string): string {
  return value.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Reads a file (path or its bytes). `kind` defaults to the path's extension. */
export async function parseOrganizationFile(source: string | Buffer | Uint8Array, kind?: OrganizationFileKind): Promise<ParseResult> {
  const resolvedKind = kind ?? (typeof source === 'string' ? kindFromPath(source) : undefined);
  if (!resolvedKind) throw new Error('parseOrganizationFile: the file kind (csv or xlsx) is required for a buffer');
  const bytes = typeof source === 'string' ? await readFile(source) : Buffer.from(source);
  return resolvedKind === 'csv' ? parseCsvBytes(bytes) : parseXlsxBytes(bytes);
}

export function kindFromPath(path: string): OrganizationFileKind | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return undefined;
}

/** The separator of the header line: whichever of ';', ',' and a tab (Excel's "Unicode Text") occurs most outside quotes. */
function detectDelimiter(text: string): ';' | ',' | '\t' {
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
  }
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return counts[';'] > counts[','] ? ';' : ',';
}

/**
 * The file's text: UTF-8 (with or without its BOM) or UTF-16 with its BOM (Excel's
 * "Unicode Text"). Anything else is refused rather than imported with garbled names: a
 * Windows code page (Excel's plain "CSV") reads as valid-looking nonsense otherwise.
 */
function csvText(bytes: Buffer): string | undefined {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  // UTF-16 comes in pairs of bytes: an odd count is a file cut short.
  if (utf16 && bytes.length % 2 !== 0) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** csv-parse's errors by code, in Vietnamese; its English message otherwise. */
function csvProblem(error: { code?: string; message?: string }): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return msg.csvQuoteNotClosed;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return msg.csvBadQuote;
    default:
      return error.message ?? String(error);
  }
}

function parseCsvBytes(bytes: Buffer): ParseResult {
  const text = csvText(bytes);
  if (text === undefined) return { kind: 'invalid', errors: [msg.notUtf8] };
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text.replace(/^[\r\n]+/, '')),
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const e = error as { code?: string; message?: string; lines?: number };
    const where = typeof e.lines === 'number' ? `dòng ${e.lines}: ` : '';
    return { kind: 'invalid', errors: [msg.unreadableCsv(`${where}${csvProblem(e)}`)] };
  }
  // info.lines is where a record ends; a quoted field may span lines.
  const table = records.map(({ record, info }) => ({
    line: info.lines - record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0),
    cells: record,
  }));
  return rowsFromTable(table);
}

async function parseXlsxBytes(bytes: Buffer): Promise<ParseResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    return { kind: 'invalid', errors: [msg.unreadableXlsx(error instanceof Error ? error.message : String(error))] };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { kind: 'invalid', errors: [msg.noWorksheet] };
  const table: Array<{ line: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let col = 1; col <= row.cellCount; col++) cells.push(cellText(row.getCell(col)));
    table.push({ line: row.number, cells });
  });
  return rowsFromTable(table);
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return cell.text ?? '';
  } catch {
    return String(value);
  }
}

function rowsFromTable(table: Array<{ line: number; cells: string[] }>): ParseResult {
  const nonEmpty = table.filter((r) => r.cells.some((c) => clean(c) !== ''));
  const header = nonEmpty[0];
  if (!header) return { kind: 'invalid', errors: [msg.emptyFile] };

  const positions = new Map<Column, number>();
  const errors: string[] = [];
  header.cells.forEach((cell, index) => {
    const column = COLUMN_BY_FOLDED.get(fold(cell));
    if (!column) return; // extra columns (notes, …) are ignored
    if (positions.has(column)) errors.push(msg.duplicateColumn(header.line, column));
    else positions.set(column, index);
  });
  const missing = COLUMNS.filter((c) => !positions.has(c));
  if (missing.length > 0) errors.push(msg.missingColumns(header.line, missing));
  if (errors.length > 0) return { kind: 'invalid', errors };

  const at = (cells: string[], column: Column) => clean(cells[positions.get(column)!] ?? '');
  const rows = nonEmpty.slice(1).map(({ line, cells }) => ({
    line,
    code: at(cells, 'ma'),
    name: at(cells, 'ten'),
    type: at(cells, 'loai'),
    parentCode: at(cells, 'ma_cap_tren'),
  }));
  if (rows.length === 0) return { kind: 'invalid', errors: [msg.noRows] };
  return { kind: 'ok', rows };
}

interface ValidRow {
  line: number;
  code: string;
  name: string;
  type: OrganizationType;
  parentCode: string | null;
}

/**
 * Validates every row against the file and the database, then upserts them by
 * code in one transaction (parents first), or writes nothing when any row is wrong.
 */
export async function importOrganizations(
  db: Kysely<Database>,
  rows: readonly OrganizationRow[],
  clock: Clock,
  actor = 'cli',
): Promise<ImportResult> {
  if (rows.length === 0) return { kind: 'invalid', errors: [msg.noRows] };
  return inTransaction(db, async (tx) => {
    // Two imports at once would validate against each other's half-written state.
    await sql`select pg_advisory_xact_lock(hashtext('baocao.organization_import'))`.execute(tx);
    const validated = await validate(tx, rows);
    if (validated.kind === 'invalid') return validated;
    const now = clock.now();
    const counts = { created: 0, updated: 0, unchanged: 0 };
    // One level of hierarchy: rows without a parent first, so parents exist when children are written.
    const roots = validated.rows.filter((r) => r.parentCode === null);
    const children = validated.rows.filter((r) => r.parentCode !== null);
    for (const group of [roots, children]) {
      for (let i = 0; i < group.length; i += BATCH_SIZE) {
        const batch = group.slice(i, i + BATCH_SIZE);
        const written = await upsertBatch(tx, batch, now);
        counts.created += written.created;
        counts.updated += written.updated;
        counts.unchanged += batch.length - written.created - written.updated;
      }
    }
    await recordAudit(tx, { actor, action: 'organizations.import', details: { rows: rows.length, ...counts }, at: now });
    return { kind: 'ok' as const, ...counts };
  });
}

/** Parse + import in one call, for the CLI. */
export async function importOrganizationFile(
  db: Kysely<Database>,
  source: string | Buffer | Uint8Array,
  kind: OrganizationFileKind | undefined,
  clock: Clock,
  actor = 'cli',
): Promise<ImportResult> {
  const parsed = await parseOrganizationFile(source, kind);
  if (parsed.kind === 'invalid') return parsed;
  return importOrganizations(db, parsed.rows, clock, actor);
}

async function upsertBatch(db: Kysely<Database>, batch: readonly ValidRow[], now: Date): Promise<{ created: number; updated: number }> {
  // unnest() of four arrays: four parameters whatever the batch size; the parent id
  // is resolved by code in the same statement.
  const result = await sql<{ inserted: boolean }>`
    insert into organizations (code, name, type, parent_id, created_at, updated_at)
    select v.code, v.name, v.type, p.id, ${now}, ${now}
    from unnest(
      ${batch.map((r) => r.code)}::text[],
      ${batch.map((r) => r.name)}::text[],
      ${batch.map((r) => r.type)}::text[],
      ${batch.map((r) => r.parentCode)}::text[]
    ) as v(code, name, type, parent_code)
    left join organizations p on p.code = v.parent_code
    on conflict (code) do update
      set name = excluded.name, type = excluded.type, parent_id = excluded.parent_id, updated_at = excluded.updated_at
      where (organizations.name, organizations.type, organizations.parent_id)
        is distinct from (excluded.name, excluded.type, excluded.parent_id)
    returning (xmax = 0) as inserted
  `.execute(db);
  const created = result.rows.filter((r) => r.inserted).length;
  return { created, updated: result.rows.length - created };
}

/** A code as compared: without case (Postgres's upper() folds ASCII as this does). */
function foldCode(code: string): string {
  return code.toUpperCase();
}

async function validate(
  db: Kysely<Database>,
  rows: readonly OrganizationRow[],
): Promise<{ kind: 'ok'; rows: ValidRow[] } | { kind: 'invalid'; errors: string[] }> {
  const errors: Array<{ line: number; text: string }> = [];
  const fail = (line: number, text: string) => errors.push({ line, text });

  const firstLineOf = new Map<string, number>();
  // "cb01" beside "CB01" is one organization typed twice, not two: codes are compared without case.
  // By folded code, the first row that has it: also how a code in the database is traced back to
  // its row below, in one lookup rather than a scan of the file for each of them.
  const firstRowOfFolded = new Map<string, OrganizationRow>();
  const typeInFile = new Map<string, OrganizationType | undefined>();
  for (const row of rows) {
    if (row.code === '') fail(row.line, msg.emptyCode(row.line));
    if (row.name === '') fail(row.line, msg.emptyName(row.line));
    const type = normalizeOrganizationType(row.type);
    if (!type) fail(row.line, msg.badType(row.line, row.type));
    if (row.code === '') continue;
    const first = firstRowOfFolded.get(foldCode(row.code));
    if (first !== undefined) fail(row.line, msg.duplicateCode(row.line, row.code, first.line));
    else {
      firstLineOf.set(row.code, row.line);
      firstRowOfFolded.set(foldCode(row.code), row);
      typeInFile.set(row.code, type);
    }
  }

  // A code already in the database in another case ("cb01" for "CB01") would make a second organization.
  const codes = [...firstLineOf.keys()];
  if (codes.length > 0) {
    const similar = await db
      .selectFrom('organizations')
      .select('code')
      .where(sql<boolean>`upper(code) = any(${codes.map(foldCode)}::text[]) and not code = any(${codes}::text[])`)
      .execute();
    for (const { code: existing } of similar) {
      const row = firstRowOfFolded.get(foldCode(existing));
      if (row) fail(row.line, msg.codeCaseDiffers(row.line, row.code, existing));
    }
  }

  // Parents that are not in the file must already be in the database: one query.
  const outsideCodes = [...new Set(rows.map((r) => r.parentCode).filter((p) => p !== '' && !firstLineOf.has(p)))];
  const typeInDb = new Map<string, { type: OrganizationType; parentCode: string | null }>();
  if (outsideCodes.length > 0) {
    const found = await db
      .selectFrom('organizations as o')
      .leftJoin('organizations as p', 'p.id', 'o.parent_id')
      .select(['o.code', 'o.type', 'p.code as parent_code'])
      .where(sql<boolean>`o.code = any(${outsideCodes}::text[])`)
      .execute();
    for (const f of found) typeInDb.set(f.code, { type: f.type, parentCode: f.parent_code });
  }

  const valid: ValidRow[] = [];
  for (const row of rows) {
    const type = normalizeOrganizationType(row.type);
    const parent = row.parentCode;
    let parentOk = true;
    if (parent !== '') {
      if (parent === row.code) {
        fail(row.line, msg.ownParent(row.line, row.code));
        parentOk = false;
      } else if (type && type !== 'chi_bo_truc_thuoc') {
        fail(row.line, msg.parentNotAllowed(row.line, type));
        parentOk = false;
      } else {
        const parentType = firstLineOf.has(parent) ? typeInFile.get(parent) : typeInDb.get(parent)?.type;
        if (!firstLineOf.has(parent) && !typeInDb.has(parent)) {
          fail(row.line, msg.parentNotFound(row.line, parent));
          parentOk = false;
        } else if (parentType !== undefined && parentType !== 'dang_bo_co_so') {
          fail(row.line, msg.parentNotDangBo(row.line, parent, parentType));
          parentOk = false;
        }
      }
    } else if (type === 'chi_bo_truc_thuoc') {
      fail(row.line, msg.parentRequired(row.line));
      parentOk = false;
    }
    if (type && parentOk && row.code !== '' && row.name !== '') {
      valid.push({ line: row.line, code: row.code, name: row.name, type, parentCode: parent === '' ? null : parent });
    }
  }

  // With the rules above the hierarchy has one level and cannot loop; this walk
  // keeps that true if the rules are ever relaxed.
  const parentOf = new Map<string, string | null>();
  for (const [code, info] of typeInDb) parentOf.set(code, info.parentCode);
  for (const row of rows) if (firstLineOf.get(row.code) === row.line) parentOf.set(row.code, row.parentCode || null);
  const reported = new Set<string>();
  for (const row of rows) {
    if (firstLineOf.get(row.code) !== row.line || reported.has(row.code)) continue;
    const chain = [row.code];
    let current = parentOf.get(row.code) ?? null;
    while (current !== null && current !== row.code && chain.length <= parentOf.size) {
      chain.push(current);
      current = parentOf.get(current) ?? null;
    }
    if (current === row.code && chain.length > 1) {
      chain.forEach((c) => reported.add(c));
      fail(row.line, msg.cycle(row.line, [...chain, row.code]));
    }
  }

  // An existing đảng bộ that the file turns into another type must not keep
  // children that the file does not move elsewhere.
  const demoted = valid.filter((r) => r.type !== 'dang_bo_co_so').map((r) => r.code);
  if (demoted.length > 0) {
    const orphans = await db
      .selectFrom('organizations as c')
      .innerJoin('organizations as p', 'p.id', 'c.parent_id')
      .select(['p.code as parent_code', 'c.code as child_code'])
      .where(sql<boolean>`p.code = any(${demoted}::text[])`)
      .orderBy('c.code')
      .execute();
    const stranded = new Map<string, string[]>();
    for (const o of orphans) {
      if (firstLineOf.has(o.child_code)) continue; // the file says where the child goes now
      // Pushed, not copied: a đảng bộ may have thousands of children.
      const kids = stranded.get(o.parent_code);
      if (kids) kids.push(o.child_code);
      else stranded.set(o.parent_code, [o.child_code]);
    }
    for (const row of valid) {
      const kids = stranded.get(row.code);
      if (kids) fail(row.line, msg.stillHasChildren(row.line, row.code, kids));
    }
  }

  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line);
    return { kind: 'invalid', errors: errors.map((e) => e.text) };
  }
  return { kind: 'ok', rows: valid };
}
