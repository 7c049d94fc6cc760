import { mount } from 'svelte';
import App from './App.svelte';
import { currentLocale, ensureCatalog } from './lib/i18n';
import './app.css';

// The reader's language arrives before the first draw (Catalan is already here); if it cannot be fetched the
// app draws anyway, in Catalan.
const start = () => mount(App, { target: document.getElementById('app')! });
ensureCatalog(currentLocale()).then(start, start);
