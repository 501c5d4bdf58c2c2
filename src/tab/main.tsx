import { createRoot } from 'react-dom/client';
import { Root } from './App.tsx';
import { detectHost, routeForSubPage } from './host.ts';
import { initI18n } from './i18n.ts';

/** Bootstrap: host detection (no teams-js wait in a plain browser), language, deep link, render. */
async function boot(): Promise<void> {
  const host = await detectHost();
  initI18n(host.locale);
  const deepLink = routeForSubPage(host.subPageId);
  if (deepLink) window.history.replaceState(null, '', deepLink);
  else if (!window.location.hash || window.location.hash === '#/' || window.location.hash === '#') {
    window.history.replaceState(null, '', '#/register');
  }
  const el = document.getElementById('root');
  if (el) createRoot(el).render(<Root host={host} />);
}

void boot();
