import { describe, expect, it } from 'vitest';
import { fileSize, inEditorOrder, inputFromForm, splitVersionField, type PracticeForm } from './practiceForm';

describe('practice form', () => {
  it('leaves out step and indicator rows that were added and left empty', () => {
    const f: PracticeForm = {
      title: 'T', summary: '', problem: '', territory: '', targetPopulation: '', themes: ['housing'],
      steps: [{ title: 'One', detail: '' }, { title: ' ', detail: '' }], resources: { people: '', time: '', budget: '' },
      results: '', evidence: '', evaluationSummary: '', indicators: [{ name: '', value: '' }, { name: 'Waiting days', value: '14' }],
      contact: '', attachments: ['m1'],
    };
    const input = inputFromForm(f);
    expect(input.steps).toEqual([{ title: 'One', detail: '' }]);
    expect(input.evaluation?.indicators).toEqual([{ name: 'Waiting days', value: '14' }]);
    expect(input.attachments).toEqual(['m1']);
  });
  it('splits a translated field name of a version', () => {
    expect(splitVersionField('es.context.targetPopulation')).toEqual({ lang: 'es', field: 'context.targetPopulation' });
    expect(splitVersionField('evaluation.summary')).toEqual({ lang: '', field: 'evaluation.summary' });
  });
  it('says file sizes in KB or MB', () => {
    expect(fileSize(2_500_000, 'en')).toBe('2.4 MB');
    expect(fileSize(300, 'en')).toBe('1 KB');
  });
  it('orders what is missing as the editor shows the fields', () => {
    expect(Object.keys(inEditorOrder({ contact: 'x', themes: 'x', title: 'x', other: 'x', 'evaluation.summary': 'x' }))).toEqual(['title', 'themes', 'evaluation.summary', 'contact', 'other']);
  });
});
