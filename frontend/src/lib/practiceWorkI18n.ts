// The strings of the practice editor, translation and version pages, the transfer workflow and the
// notifications page. Imported by those (lazily loaded) pages, so the first page does not carry them.
import { addCatalogs } from './i18n';
import ca from '../i18n/practice-work/ca.json';
import es from '../i18n/practice-work/es.json';
import it from '../i18n/practice-work/it.json';
import en from '../i18n/practice-work/en.json';

addCatalogs({ ca, es, it, en });
