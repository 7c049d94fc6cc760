// The live room's strings added in round two (the microphone the server really receives, the kept place, the
// queue by guide question, the phone layout). Imported by the lazily loaded live session page.
import { addCatalogs } from './i18n';
import ca from '../i18n/live/ca.json';
import es from '../i18n/live/es.json';
import it from '../i18n/live/it.json';
import en from '../i18n/live/en.json';

addCatalogs({ ca, es, it, en });
