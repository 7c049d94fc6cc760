// The strings of the evaluation pages (editions, groups' tables, synthesis, report). Imported by those lazily
// loaded pages only.
import { addCatalogs } from './i18n';
import ca from '../i18n/evaluation/ca.json';
import es from '../i18n/evaluation/es.json';
import it from '../i18n/evaluation/it.json';
import en from '../i18n/evaluation/en.json';

addCatalogs({ ca, es, it, en });
