// The strings of the recording page, the summary on an exchange day's page and the recording retention
// setting. Imported by those (lazily loaded) parts, so the first page does not carry them.
import { addCatalogs } from './i18n';
import ca from '../i18n/recording/ca.json';
import es from '../i18n/recording/es.json';
import it from '../i18n/recording/it.json';
import en from '../i18n/recording/en.json';

addCatalogs({ ca, es, it, en });
