// The shell: loads the session, routes between screens, and frames the signed-in ones with the
// navigation. Signed-out visitors see sign-up (a device that never signed in), log-in (one that has),
// or, right after deleting their account, the farewell.
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { type Catalog, type Companion, KindredApiError, type User } from '../../common/client.ts';
import { api, rememberToken } from './api.ts';
import { AvatarGallery } from './avatar/avatar-gallery.tsx';
import { ErrorAlert } from './components/error-alert.tsx';
import { MainNavigation } from './components/main-navigation.tsx';
import { clearAccountDeleted, rememberSignedInHere, signedOutLanding, wasAccountDeletedInThisTab } from './device-memory.ts';
import { ProactiveAlerts } from './realtime/proactive-alerts.tsx';
import { RealtimeContext } from './realtime/realtime-context.tsx';
import { createRealtimeHub, type RealtimeHub } from './realtime/realtime-hub.ts';
import { deviceReminders } from './reminders/device-reminders.ts';
import { Link, navigate, usePath } from './router.tsx';
import { AuthScreen } from './screens/auth-screen.tsx';
import { ChatScreen } from './screens/chat-screen.tsx';
import { FilesScreen } from './screens/files-screen.tsx';
import { GoodbyeScreen } from './screens/goodbye-screen.tsx';
import { GoogleCallbackScreen } from './screens/google-callback-screen.tsx';
import { LifeScreen } from './screens/life-screen.tsx';
import { MemoriesScreen } from './screens/memories-screen.tsx';
import { OnboardingScreen } from './screens/onboarding-screen.tsx';
import { SettingsScreen } from './screens/settings-screen.tsx';
import { TodayScreen } from './screens/today-screen.tsx';
import { type Session, SessionContext } from './session.tsx';

type Loaded =
  | { state: 'loading' }
  | { state: 'signed-out' }
  | { state: 'failed'; error: unknown }
  | { state: 'signed-in'; user: User; companion: Companion; catalog: Catalog };

async function loadSession(): Promise<Loaded> {
  try {
    const [user, companion, catalog] = await Promise.all([api.me(), api.companion(), api.catalog()]);
    rememberSignedInHere();
    return { state: 'signed-in', user, companion, catalog };
  } catch (error) {
    if (error instanceof KindredApiError && error.id === 'unauthenticated') return { state: 'signed-out' };
    return { state: 'failed', error };
  }
}

function SkipLink() {
  return (
    <a className="skip-link" href="#main">
      Skip to content
    </a>
  );
}

export function App() {
  const path = usePath();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    void loadSession().then(setLoaded);
  }, []);

  const signOut = useCallback(async () => {
    // Before the session ends (deleting the registration needs it): a device left subscribed would
    // go on showing the signed-out person's reminders to whoever uses it next.
    try {
      await (await deviceReminders()).turnOff();
    } catch {
      // Offline or already signed out: the server forgets the device when its subscription next fails.
    }
    try {
      await api.logout();
    } catch {
      // Logging out of an already-ended session is still logging out.
    }
    rememberToken(undefined);
    setLoaded({ state: 'signed-out' });
    navigate(wasAccountDeletedInThisTab() ? '/goodbye' : '/login');
  }, []);

  // One live connection while signed in, shared by every screen (see realtime-hub.ts).
  const signedIn = loaded.state === 'signed-in';
  const [realtime, setRealtime] = useState<RealtimeHub>();
  useEffect(() => {
    if (!signedIn) return;
    // Signed out on this device or another, or the session expired: back to the log-in screen.
    const hub = createRealtimeHub(
      (options) => api.realtime({ ...options, origin: window.location.origin }),
      () => void signOut(),
    );
    setRealtime(hub);
    return () => {
      hub.close();
      setRealtime(undefined);
    };
  }, [signedIn, signOut]);

  const session = useMemo<Session | undefined>(() => {
    if (loaded.state !== 'signed-in') return undefined;
    return {
      user: loaded.user,
      companion: loaded.companion,
      catalog: loaded.catalog,
      setUser: (user) => setLoaded({ ...loaded, user }),
      setCompanion: (companion) => setLoaded({ ...loaded, companion }),
      signOut,
    };
  }, [loaded, signOut]);

  if (loaded.state === 'loading' || (loaded.state === 'signed-in' && realtime === undefined)) {
    return (
      <main id="main" className="page centered">
        <p role="status">Loading Kindred…</p>
      </main>
    );
  }
  if (loaded.state === 'failed') {
    return (
      <main id="main" className="page centered">
        <h1>Kindred is unavailable</h1>
        <ErrorAlert error={loaded.error} />
        <button type="button" className="button primary" onClick={() => window.location.reload()}>
          Try again
        </button>
      </main>
    );
  }
  if (loaded.state === 'signed-out' || session === undefined) {
    const farewell = wasAccountDeletedInThisTab();
    if (path === '/goodbye' && farewell) return <GoodbyeScreen />;
    const landing = farewell ? '/goodbye' : signedOutLanding();
    if (path !== '/signup' && path !== '/login') queueMicrotask(() => navigate(landing, { replace: true }));
    const mode = path === '/signup' || (path !== '/login' && landing === '/signup') ? 'signup' : 'login';
    return (
      <>
        <SkipLink />
        <AuthScreen
          mode={mode}
          onSignedIn={(_answer, isNewAccount) => {
            clearAccountDeleted();
            setLoaded({ state: 'loading' });
            void loadSession().then((next) => {
              setLoaded(next);
              navigate(isNewAccount ? '/onboarding' : '/chat');
            });
          }}
        />
      </>
    );
  }

  let screen: ReactNode;
  const chatMatch = /^\/chat(?:\/([^/]+))?\/?$/.exec(path);
  if (path === '/onboarding') screen = <OnboardingScreen />;
  else if (chatMatch) screen = <ChatScreen conversationId={chatMatch[1]} />;
  else if (path === '/today/google-callback') screen = <GoogleCallbackScreen />;
  else if (path === '/today') screen = <TodayScreen />;
  else if (path === '/life') screen = <LifeScreen />;
  else if (path === '/memories') screen = <MemoriesScreen />;
  else if (path === '/files') screen = <FilesScreen />;
  else if (path === '/avatar-gallery') screen = <AvatarGallery />;
  else if (path === '/settings' || path.startsWith('/settings/')) screen = <SettingsScreen />;
  else {
    queueMicrotask(() => navigate('/chat', { replace: true }));
    screen = null;
  }

  const onboarding = path === '/onboarding';
  return (
    <SessionContext.Provider value={session}>
      <RealtimeContext.Provider value={realtime}>
        {/* The chat fills the screen and scrolls inside; every other screen scrolls the page. */}
        <div className={chatMatch ? 'app-shell fills-screen' : 'app-shell'}>
          <SkipLink />
          <header className="top-bar">
            <Link href="/chat" className="brand">
              <img src="/icons/icon.svg" alt="" width={28} height={28} />
              <span>Kindred</span>
            </Link>
            {!onboarding && <MainNavigation path={path} placement="top" />}
          </header>
          {screen}
          {!onboarding && <ProactiveAlerts path={path} />}
          {!onboarding && <MainNavigation path={path} placement="bottom" />}
        </div>
      </RealtimeContext.Provider>
    </SessionContext.Provider>
  );
}
