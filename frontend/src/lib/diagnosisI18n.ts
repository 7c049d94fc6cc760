// The strings of the diagnosis pages (contribute form, ballot, action plan, dashboard, map, territories, the
// new-diagnosis and settings pages). Imported by those (lazily loaded) pages, so the first page does not
// carry their ~250 keys per language.
import { addCatalogs } from './i18n';
import ca from '../i18n/diagnosis/ca.json';
import es from '../i18n/diagnosis/es.json';
import it from '../i18n/diagnosis/it.json';
import en from '../i18n/diagnosis/en.json';

addCatalogs({ ca, es, it, en });
