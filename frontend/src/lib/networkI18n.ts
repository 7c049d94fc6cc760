// The strings of the network pages (actors, relations, the network map). Imported by those (lazily
// loaded) pages and by the notifications page, so the first page does not carry them.
import { addCatalogs } from './i18n';
import ca from '../i18n/network/ca.json';
import es from '../i18n/network/es.json';
import it from '../i18n/network/it.json';
import en from '../i18n/network/en.json';

addCatalogs({ ca, es, it, en });
