// The strings of the audit log page and the admins' reset links, loaded with that page only.
import { addCatalogs } from './i18n';
import ca from '../i18n/admin/ca.json';
import es from '../i18n/admin/es.json';
import it from '../i18n/admin/it.json';
import en from '../i18n/admin/en.json';

addCatalogs({ ca, es, it, en });
