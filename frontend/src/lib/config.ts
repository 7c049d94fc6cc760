// The server's public settings (GET /config), asked once per page load: map tiles, whether machine
// translation is on, and the theme vocabulary (server/theme — the client keeps no copy of it).
import { readable, type Readable } from 'svelte/store';
import type { ApiClient } from './api';
import { api } from './session';

export interface ClientConfig {
  mapTiles: string;
  mapAttribution: string;
  /** A machine-translation engine is configured ("Read in …" is shown). */
  translation?: boolean;
  /** Every theme, in the order forms show them (labels: `search.theme.<theme>`, `practice.themeName.<theme>`). */
  themes?: string[];
}

let configCache: Promise<ClientConfig> | null = null;
/** The server's public settings; a failed request gives empty settings and is asked again next time. */
export function clientConfig(client: ApiClient = api): Promise<ClientConfig> {
  configCache ??= client.get<ClientConfig>('/config').catch(() => {
    configCache = null;
    return { mapTiles: '', mapAttribution: '' };
  });
  return configCache;
}

/** The theme vocabulary, filled in once the settings arrive (empty until then). */
export const themes: Readable<string[]> = readable<string[]>([], (set) => {
  clientConfig().then((c) => set(c.themes ?? []));
});
