// The strings of need → practice links (on a diagnosis's findings and plan, on a practice's page): a small
// part of their own, so the diagnosis and practice pages do not carry the whole network part.
import { addCatalogs } from './i18n';
import ca from '../i18n/network-links/ca.json';
import es from '../i18n/network-links/es.json';
import it from '../i18n/network-links/it.json';
import en from '../i18n/network-links/en.json';

addCatalogs({ ca, es, it, en });
