import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isNativeApp } from './api.ts';
import { App } from './app.tsx';
import { startNativeIntegration } from './native.ts';
import { applyTheme, storedTheme } from './theme.ts';
import './styles.css';

applyTheme(storedTheme());

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The service worker only makes sense on the web: the mobile shell serves its files from the app.
if ('serviceWorker' in navigator && !isNativeApp() && window.location.protocol.startsWith('http') && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // Without the service worker the app still works online; only offline support is lost.
    });
  });
}

void startNativeIntegration();
