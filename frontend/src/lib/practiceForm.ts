// The practice editor's form: what the page edits (plain strings and lists), built from the API's view and
// turned back into the API's input. Rows left completely empty (a step or an indicator added and not
// filled) are not sent, so an autosave does not fail on them.
import type { Practice, PracticeInput, TranslationInput } from './practice';
import './practiceI18n';

export interface PracticeForm {
  title: string;
  summary: string;
  problem: string;
  territory: string;
  targetPopulation: string;
  themes: string[];
  steps: { title: string; detail: string }[];
  resources: { people: string; time: string; budget: string };
  results: string;
  evidence: string;
  evaluationSummary: string;
  indicators: { name: string; value: string }[];
  contact: string;
  attachments: string[];
}

export function formFromPractice(p: Practice): PracticeForm {
  return {
    title: p.title ?? '',
    summary: p.summary?.markdown ?? '',
    problem: p.problem?.markdown ?? '',
    territory: p.context?.territory ?? '',
    targetPopulation: p.context?.targetPopulation ?? '',
    themes: [...(p.themes ?? [])],
    steps: (p.steps ?? []).map((s) => ({ title: s.title, detail: s.detail?.markdown ?? '' })),
    resources: { people: p.resources?.people ?? '', time: p.resources?.time ?? '', budget: p.resources?.budget ?? '' },
    results: p.results?.markdown ?? '',
    evidence: p.evidence?.markdown ?? '',
    evaluationSummary: p.evaluation?.summary?.markdown ?? '',
    indicators: (p.evaluation?.indicators ?? []).map((i) => ({ ...i })),
    contact: p.contact ?? '',
    attachments: (p.attachments ?? []).map((a) => a.id),
  };
}

const filled = (...v: string[]) => v.some((s) => s.trim() !== '');

export function inputFromForm(f: PracticeForm): PracticeInput {
  return {
    title: f.title,
    summary: f.summary,
    problem: f.problem,
    context: { territory: f.territory, targetPopulation: f.targetPopulation },
    themes: f.themes,
    steps: f.steps.filter((s) => filled(s.title, s.detail)),
    resources: f.resources,
    results: f.results,
    evidence: f.evidence,
    evaluation: { summary: f.evaluationSummary, indicators: f.indicators.filter((i) => filled(i.name, i.value)) },
    contact: f.contact,
    attachments: f.attachments,
  };
}

export function translationFromPractice(p: Practice): TranslationInput {
  return {
    title: p.title ?? '',
    summary: p.summary?.markdown ?? '',
    problem: p.problem?.markdown ?? '',
    targetPopulation: p.context?.targetPopulation ?? '',
    steps: (p.steps ?? []).map((s) => ({ title: s.title, detail: s.detail?.markdown ?? '' })),
    resources: { people: p.resources?.people ?? '', time: p.resources?.time ?? '', budget: p.resources?.budget ?? '' },
    results: p.results?.markdown ?? '',
    evidence: p.evidence?.markdown ?? '',
    evaluationSummary: p.evaluation?.summary?.markdown ?? '',
  };
}

/**
 * Where each API field is in the editor: the error summary links "what is missing" to it. Keys are the
 * API's field names (publish's 400 `incomplete` and validation errors).
 */
export const EDITOR_FIELD_IDS: Record<string, string> = {
  title: 'pe-title',
  summary: 'pe-summary',
  problem: 'pe-problem',
  'context.territory': 'pe-territory',
  'context.targetPopulation': 'pe-target',
  themes: 'pe-themes-first',
  steps: 'pe-step-add',
  resources: 'pe-people',
  results: 'pe-results',
  evidence: 'pe-evidence',
  'evaluation.summary': 'pe-evaluation',
  'evaluation.indicators': 'pe-indicator-add',
  contact: 'pe-contact',
  attachments: 'pe-file',
};

/** Puts field errors in the order the fields appear in the editor (the server sends them by name). */
export function inEditorOrder(fields: Record<string, string>): Record<string, string> {
  const order = Object.keys(EDITOR_FIELD_IDS);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => rank(a) - rank(b)));
}

/** The catalog key of each field's visible label (shared by the editor, the error summary and the diff). */
export const FIELD_LABEL_KEYS: Record<string, string> = {
  title: 'practice.edit.title',
  summary: 'practice.summary',
  problem: 'practice.problem',
  'context.territory': 'practice.territory',
  territory: 'practice.territory',
  'context.targetPopulation': 'practice.targetPopulation',
  themes: 'practice.themes',
  steps: 'practice.steps',
  resources: 'practice.resources',
  'resources.people': 'practice.people',
  'resources.time': 'practice.time',
  'resources.budget': 'practice.budget',
  results: 'practice.results',
  evidence: 'practice.edit.evidence',
  'evaluation.summary': 'practice.evaluation',
  'evaluation.indicators': 'practice.edit.indicators',
  contact: 'practice.contact',
  attachments: 'practice.attachments',
  language: 'practice.language',
};

/** Splits a versioned field name ("es.title") into its language (or '') and field. */
export function splitVersionField(name: string): { lang: string; field: string } {
  const m = name.match(/^(ca|es|it|en|fr)\.(.+)$/);
  return m ? { lang: m[1], field: m[2] } : { lang: '', field: name };
}

/** A file size in words a person reads: "850 KB", "2.4 MB". */
export function fileSize(bytes: number, lang: string): string {
  const mb = bytes / (1 << 20);
  const nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return mb >= 1 ? `${nf.format(mb)} MB` : `${nf.format(Math.max(1, Math.round(bytes / 1024)))} KB`;
}
