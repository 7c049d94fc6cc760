// Neighbourhood diagnoses: the shapes the API returns and the phase order shown on the timeline.
import type { ApiClient } from './api';

export const PHASES = ['gathering', 'synthesis', 'prioritisation', 'action_plan', 'follow_up'] as const;
export type Phase = (typeof PHASES)[number];

export interface Diagnosis {
  id: string;
  title: string;
  description: string;
  territoryId: string;
  organisationIds: string[];
  themes: string[];
  phase: string;
  isOrganiser?: boolean;
}

/** Where each phase stands against the current one: done, now or later. */
export function phaseState(phase: string, current: string): 'done' | 'now' | 'later' {
  const i = PHASES.indexOf(phase as Phase);
  const c = PHASES.indexOf(current as Phase);
  if (i === c) return 'now';
  return i < c ? 'done' : 'later';
}

export async function listDiagnoses(api: ApiClient): Promise<Diagnosis[]> {
  const page = await api.request<{ items?: Diagnosis[] }>('GET', '/diagnoses?limit=50');
  return page.items ?? [];
}

export function getDiagnosis(api: ApiClient, id: string): Promise<Diagnosis> {
  return api.request<Diagnosis>('GET', `/diagnoses/${encodeURIComponent(id)}`);
}
