/**
 * The figures as chat text (/tonghop, /chuanop): HTML for Telegram, plain for Zalo
 * and the terminal. Every value from the database or a form file is escaped.
 */
import { ORGANIZATION_TYPES } from '../db/schema.js';
import { formatDateVi, formatNumberVi } from '../forms/format.js';
import { truncate } from '../text/html.js';
import { formatDateTime, formatDeadline } from '../time.js';
import type { OrgList, OrgRef, QuestionFigures, Summary, SummaryCampaign, TargetFigures } from './figures.js';
import { choiceChange, describeChange, groupChange, headlineChange, previousFigures, previousShare, type Change } from './compare.js';
import { capitalize, formatCount, formatPercent, formatRatio, joinAnd, lowerFirst, type Markup, markupFor, type MarkupKind, plainMarkup, unitNoun } from './format.js';
import { organizationTypeNouns, summaryMessages as m } from './messages.js';

/**
 * "Chỉ tiêu 80% … : có 114/159 tổ chức (71,7%) — chưa đạt chỉ tiêu": the share over every
 * target organization, as the workbook and the chart state it too.
 */
export function targetSentence(t: TargetFigures, closed: boolean, mk: Markup = plainMarkup): string {
  // The share among those who reported helps only while reports can still come in.
  const amongSubmitted = t.submitted < t.base && !closed ? m.targetAmongSubmitted(mk.fraction(t.count, t.submitted), formatPercent(t.count, t.submitted)) : undefined;
  return m.target(formatRatio(t.share), mk.esc(t.label), m.targetCounted(mk.fraction(t.count, t.base), formatPercent(t.count, t.base)), amongSubmitted, m.targetVerdicts[t.verdict]);
}

/** The organization types a round has, when it has several (one needs no breakdown). */
function presentTypes(summary: Pick<Summary, 'targets'>) {
  const present = ORGANIZATION_TYPES.filter((t) => summary.targets.byType[t] > 0);
  return present.length > 1 ? present : [];
}

/** "80 đảng bộ cơ sở và 79 chi bộ cơ sở": the targets per type, for the chat and the Word draft. */
export function targetsByType(summary: Pick<Summary, 'targets'>, mk: Markup = plainMarkup): string | undefined {
  const parts = presentTypes(summary).map((t) => `${mk.count(summary.targets.byType[t])} ${organizationTypeNouns[t]}`);
  return parts.length > 0 ? joinAnd(parts) : undefined;
}

/** "Đã nộp theo loại hình: đảng bộ cơ sở 76/80; chi bộ cơ sở 76/79.", for the chat and the Word draft. */
export function submittedByType(summary: Pick<Summary, 'targets' | 'submitted'>, mk: Markup = plainMarkup): string | undefined {
  const types = presentTypes(summary);
  if (types.length === 0) return undefined;
  return m.submittedByType(types.map((t) => m.typeFraction(organizationTypeNouns[t], mk.fraction(summary.submitted.byType[t], summary.targets.byType[t]))).join('; '));
}

function headingLines(campaign: SummaryCampaign, heading: string, mk: Markup): string[] {
  const lines = [mk.bold(heading)];
  lines.push(m.period(mk.esc(campaign.periodLabel)));
  const deadline = formatDeadline(campaign.dueAt);
  lines.push(m.deadline(campaign.pastDue ? `${deadline} (${m.deadlinePassed})` : deadline));
  if (campaign.closed && campaign.closedAt) lines.push(m.closedAt(formatDateTime(campaign.closedAt)));
  return lines;
}

function orgItem(org: OrgRef, mk: Markup): string {
  return m.orgRef(mk.esc(org.code), mk.esc(org.name));
}

/**
 * Organizations named per list in the chat summary, and the characters of a late reason
 * shown there. Why: at national scale the lists were one paragraph each (3,208 characters
 * for 30 late organizations, over Zalo's 2,000 a message); one short line per organization
 * lets the splitter cut between them, and the rest is in /chuanop and the workbook.
 */
export const CHAT_LIST_LIMIT = 10;
export const CHAT_REASON_CHARS = 80;

/** The first CHAT_LIST_LIMIT organizations of a list, one a line, then a line saying where the rest are. */
function cappedLines<T extends OrgRef>(list: OrgList<T>, item: (org: T) => string, rest: (count: string) => string): string[] {
  const shown = list.first.slice(0, CHAT_LIST_LIMIT);
  const lines = shown.map((org) => m.listItem(item(org)));
  const left = list.total - shown.length;
  if (left > 0) lines.push(rest(formatCount(left)));
  return lines;
}

/** A late reason on one line, cut at a word near CHAT_REASON_CHARS; cut before it is escaped, so never inside an entity. */
function shortReason(reason: string | null, mk: Markup): string {
  const oneLine = (reason ?? '').replace(/\s+/g, ' ').trim();
  return oneLine === '' ? '' : m.lateReason(mk.esc(truncate(oneLine, CHAT_REASON_CHARS)));
}

/** One sentence of the figures. `startsWithCount`: it reads "152/159 tổ chức …", so a report may put its subject before it. */
export interface FigureSentence {
  text: string;
  startsWithCount: boolean;
}

interface SentenceContext {
  submittedTotal: number;
  closed: boolean;
  previous: QuestionFigures | undefined;
  /** The previous round's period ("Năm 2025"), when there is one. */
  previousPeriod: string | undefined;
}

/** ", tăng 12 so với Năm 2025" or nothing. */
function changeSuffix(change: Change | undefined, period: string | undefined, format: (n: number) => string): string {
  return change && period ? `, ${describeChange(change, period, format)}` : '';
}

/** " (tăng 3 so với Năm 2025)" or nothing. */
function changeNote(change: Change | undefined, period: string | undefined, format: (n: number) => string): string {
  return change && period ? ` (${describeChange(change, period, format)})` : '';
}

function questionSentences(q: QuestionFigures, ctx: SentenceContext, mk: Markup): FigureSentence[] {
  const { submittedTotal, closed, previous, previousPeriod: period } = ctx;
  const label = mk.esc(q.label);
  const counted = (text: string): FigureSentence => ({ text, startsWithCount: true });
  const labelled = (text: string): FigureSentence => ({ text, startsWithCount: false });
  if (q.answered === 0 && q.kind !== 'text') return [labelled(m.noAnswers(capitalize(label)))];
  const { count, fraction } = mk;
  const partial = q.answered < submittedTotal ? m.answeredBy(fraction(q.answered, submittedTotal)) : '';
  const headline = headlineChange(q, previous);
  switch (q.kind) {
    case 'number': {
      // How many answers were far from the usual and confirmed at entry: the office knows which figures were checked.
      const outliers = q.confirmedOutliers > 0 ? m.confirmedOutliers(count(q.confirmedOutliers)) : '';
      if (q.type === 'decimal') {
        return [
          labelled(
            m.decimal(
              capitalize(label),
              formatNumberVi(q.average ?? 0, 1),
              formatNumberVi(q.min ?? 0, 2),
              formatNumberVi(q.max ?? 0, 2),
              count(q.answered),
            ) +
              outliers +
              (headline && period ? m.averageChange(describeChange(headline, period, (n) => formatNumberVi(n, 1))) : ''),
          ),
        ];
      }
      const rest = changeSuffix(headline, period, count) + partial + outliers;
      return [q.sum === 0 ? labelled(capitalize(m.sumNone(label)) + rest) : counted(m.sum(count(q.sum), label) + rest)];
    }
    case 'yes_no': {
      const share = previousShare(previous);
      const before = share && period ? ` (${m.previousShareNote(period, share)})` : '';
      return [
        q.yes === 0
          ? labelled(m.yesNone(fraction(0, q.answered), label) + before)
          : counted(m.yes(formatPercent(q.yes, q.answered), fraction(q.yes, q.answered), label) + changeSuffix(headline, period, (n) => m.organizationsCount(count(n))) + before),
      ];
    }
    case 'choice': {
      const grouped = new Set(q.groups.flatMap((g) => g.choices));
      const parts: string[] = [];
      // The first part with a count carries the base: "không có …; 1/1 đơn vị …".
      let baseShown = false;
      const showsBase = (n: number): boolean => {
        const shows = n > 0 && !baseShown;
        if (shows) baseShown = true;
        return shows;
      };
      for (const g of q.groups) {
        const members = q.choices.filter((c) => g.choices.includes(c.value));
        const change = groupChange(previous, g.label, g.count);
        const changeText = change && period ? describeChange(change, period, count) : undefined;
        const memberText =
          members.length > 1
            ? members
                .map((c) => (c.count === 0 ? m.groupMemberNone(mk.esc(lowerFirst(c.label))) : m.groupMember(count(c.count), mk.esc(lowerFirst(c.label)))))
                .join(', ')
            : undefined;
        // One parenthesis: "(trong đó 29 …, 116 …; tăng 3 so với Năm 2025)".
        const detail = memberText ? m.groupDetail(changeText ? `${memberText}; ${changeText}` : memberText) : changeText ? ` (${changeText})` : '';
        parts.push(groupOrChoice(g.count, label, mk.esc(g.label), showsBase(g.count), q.answered, mk) + detail);
      }
      for (const c of q.choices) {
        if (grouped.has(c.value)) continue;
        const withBase = showsBase(c.count);
        parts.push(
          (c.phrase !== undefined
            ? choicePhrase(c.count, mk.esc(c.phrase), withBase, q.answered, mk)
            : groupOrChoice(c.count, label, mk.esc(lowerFirst(c.label)), withBase, q.answered, mk)) + changeNote(choiceChange(previous, c.value, c.count), period, count),
        );
      }
      const sentences = [counted(capitalize(parts.join('; ')))];
      if (q.target) sentences.push(labelled(targetSentence(q.target, closed, mk)));
      return sentences;
    }
    case 'multi_choice':
      return [
        labelled(
          m.multi(
            capitalize(label),
            q.choices.map((c) => m.multiPart(mk.esc(c.label), c.count === 0 ? m.none : count(c.count)) + changeNote(choiceChange(previous, c.value, c.count), period, count)).join('; '),
          ) + partial,
        ),
      ];
    case 'text':
      return [labelled(q.nonEmpty === 0 ? m.textNone(capitalize(label)) : m.text(capitalize(label), count(q.nonEmpty)))];
    case 'date':
      return [labelled(m.date(capitalize(label), count(q.answered), formatDateVi(q.earliest ?? ''), formatDateVi(q.latest ?? '')) + partial)];
  }
}

/**
 * The sentences that state one question's figures, with the change since the previous
 * round: the chat summary and the Word draft say the same thing in the same words.
 * A zero is "không có …"; counts read as the markup writes them ('document': "05").
 */
export function figureSentences(summary: Pick<Summary, 'submitted' | 'campaign' | 'previous'>, q: QuestionFigures, markup: MarkupKind): FigureSentence[] {
  return questionSentences(
    q,
    { submittedTotal: summary.submitted.total, closed: summary.campaign.closed, previous: previousFigures(summary, q), previousPeriod: summary.previous && lowerFirst(summary.previous.periodLabel) },
    markupFor(markup),
  );
}

/** One part of a choice sentence: `withBase` shows the base ("152/159 …"), a zero is "không có …". */
function groupOrChoice(n: number, label: string, choice: string, withBase: boolean, answered: number, mk: Markup): string {
  if (n === 0) return m.choiceNone(label, choice);
  return m.choicePart(withBase ? mk.fraction(n, answered) : mk.count(n), label, choice);
}

/** The same with the form's phrase for the choice: "3/4 đơn vị đã ký …", "không có đơn vị …". */
function choicePhrase(n: number, phrase: string, withBase: boolean, answered: number, mk: Markup): string {
  if (n === 0) return m.choicePhraseNone(phrase);
  return m.choicePhrase(withBase ? mk.fraction(n, answered) : mk.count(n), phrase);
}

/**
 * The consolidated report as text for Telegram ('html', every value from the
 * database or a form file escaped) or for a terminal ('plain', no tags). Each
 * line is self-contained, so the channel's splitter can cut between any two lines.
 */
export function renderSummary(summary: Summary, markup: 'html' | 'plain'): string {
  const mk = markupFor(markup);
  const { campaign, targets, submitted } = summary;
  const lines = headingLines(campaign, m.heading(mk.esc(campaign.formTitle)), mk);
  lines.push(m.asOf(formatDateTime(summary.generatedAt)));

  lines.push('', mk.bold(m.sectionProgress));
  lines.push(m.targets(mk.count(targets.total), unitNoun(targets.byType), targetsByType(summary)));

  if (submitted.total === 0) {
    lines.push(m.nothingSubmitted);
  } else {
    lines.push(
      m.submitted(
        mk.fraction(submitted.total, targets.total),
        formatPercent(submitted.total, targets.total),
        submitted.onTime === 0 ? m.noneOnTime : m.onTime(mk.count(submitted.onTime)),
        submitted.late === 0 ? m.noneLate : m.late(mk.count(submitted.late)),
      ),
    );
    const byType = submittedByType(summary);
    if (byType) lines.push(byType);
  }
  if (summary.notSubmitted.total === 0) lines.push(m.allSubmitted);
  else {
    const command = m.notSubmittedCommand(mk.esc(campaign.id));
    lines.push(m.notSubmittedList(mk.count(summary.notSubmitted.total)), ...cappedLines(summary.notSubmitted, (o) => orgItem(o, mk), (rest) => m.notSubmittedRest(rest, command)));
  }
  if (summary.late.total > 0) {
    lines.push(m.lateList(mk.count(summary.late.total)), ...cappedLines(summary.late, (o) => orgItem(o, mk) + shortReason(o.lateReason, mk), m.lateRest));
  }

  if (submitted.total > 0 && summary.questions.length > 0) {
    lines.push('', mk.bold(m.sectionFigures));
    for (const q of summary.questions) {
      for (const sentence of figureSentences(summary, q, markup)) lines.push(`${m.bullet}${sentence.text}.`);
    }
  }
  return lines.join('\n');
}

/** A page of /chuanop: the 1-based page, of `size` organizations each. */
export interface ListPage {
  page: number;
  size: number;
}

/**
 * /chuanop: the organizations not submitted (of one parent if given). A list longer than
 * one page says which page of how many, numbers its lines on from the pages before, and
 * ends with where the whole list is: the workbook's «Chưa nộp» sheet. Without `paging`,
 * the first ones and how many more.
 */
export function renderNotSubmitted(
  info: { campaign: SummaryCampaign; parent?: OrgRef },
  list: OrgList,
  markup: 'html' | 'plain',
  paging?: ListPage,
): string {
  const mk = markupFor(markup);
  const { campaign, parent } = info;
  const lines = headingLines(campaign, m.notSubmittedHeading(mk.esc(campaign.formTitle), mk.esc(campaign.periodLabel)), mk).filter(
    (_, i) => i !== 1, // the period is already in the heading
  );
  if (parent) lines.push(m.notSubmittedOf(mk.esc(parent.code), mk.esc(parent.name)));
  if (list.total === 0) {
    lines.push(parent ? m.notSubmittedNoneOf(mk.esc(parent.code)) : m.notSubmittedNone);
    return lines.join('\n');
  }
  // A page pressed on after reports came in may be past the count's last page: it still is a page.
  const pages = paging ? Math.max(paging.page, pageCount(list.total, paging.size)) : 1;
  if (paging && pages > 1) {
    const offset = (paging.page - 1) * paging.size;
    lines.push(mk.bold(m.notSubmittedPage(formatNumberVi(paging.page, 0), formatNumberVi(pages, 0), mk.count(list.total))));
    // Names cut so that a page stays one Telegram message (50 lines, 4,096 characters).
    list.first.forEach((org, i) => lines.push(m.numbered(formatNumberVi(offset + i + 1, 0), orgItem({ ...org, name: truncate(org.name, PAGED_NAME_CHARS) }, mk))));
    const command = [m.notSubmittedCommand(campaign.id), ...(parent ? [mk.esc(parent.code)] : [])].join(' ');
    lines.push(m.notSubmittedOtherPages(command), m.notSubmittedFullList(campaign.id));
    return lines.join('\n');
  }
  lines.push(m.notSubmittedCount(mk.count(list.total)));
  list.first.forEach((org, i) => lines.push(m.numbered(formatNumberVi(i + 1, 0), orgItem(org, mk))));
  const rest = list.total - list.first.length;
  if (rest > 0) lines.push(m.notSubmittedMore(formatCount(rest)));
  return lines.join('\n');
}

/** A name on a page of /chuanop: longer ones are cut at a word, «…». */
const PAGED_NAME_CHARS = 55;

/** How many pages of `size` a list of `total` takes (at least one). */
export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}
