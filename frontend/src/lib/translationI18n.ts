// The strings of "Read in …" and translation notes, added where a page shows translatable content.
import { addCatalogs } from './i18n';
import ca from '../i18n/translation/ca.json';
import es from '../i18n/translation/es.json';
import it from '../i18n/translation/it.json';
import en from '../i18n/translation/en.json';

addCatalogs({ ca, es, it, en });
