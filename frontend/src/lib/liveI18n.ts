// The live room's strings added in round two (the microphone the server really receives, the kept place, the
// queue by guide question, the phone layout). Imported by the lazily loaded live session page.
import { usePart } from './i18n';

usePart('live', {
  ca: () => import('../i18n/live/ca.json'),
  es: () => import('../i18n/live/es.json'),
  it: () => import('../i18n/live/it.json'),
  en: () => import('../i18n/live/en.json'),
});
