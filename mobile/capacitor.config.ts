// The Kindred mobile app: a Capacitor shell around the same web build the Worker serves. The page
// is bundled in the app; it reaches the server named on the log-in screen (or built in through
// VITE_KINDRED_SERVER) with a bearer token, and CapacitorHttp sends its requests natively, so the
// browser's cross-origin rules do not apply between the bundled page and the server.
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
