// The Kindred mobile app: a Capacitor shell around the same web build the Worker serves. The page
// is bundled in the app; it reaches the server named on the log-in screen (or built in through
// VITE_KINDRED_SERVER) with a bearer token, and CapacitorHttp sends its requests natively, so the
// browser's cross-origin rules do not apply between the bundled page and the server. There is no
// `server.allowNavigation`: every address outside the app opens in the system browser, which is
// where Google's OAuth page must be (Google refuses it in embedded web views; see README.md).
import type { CapacitorConfig } from '@capacitor/cli';

const config: CapacitorConfig = {
  appId: 'app.kindred.companion',
  appName: 'Kindred',
  webDir: '../web/dist',
  android: { path: 'android' },
  ios: { path: 'ios' },
  plugins: {
    CapacitorHttp: { enabled: true },
    PushNotifications: { presentationOptions: ['badge', 'sound', 'alert'] },
  },
};

export default config;
