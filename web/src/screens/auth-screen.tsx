// Sign up and log in: one form with two modes, since they share fields and errors.
import { type FormEvent, useState } from 'react';
import type { AuthAnswer } from '../../../common/client.ts';
import { api, isNativeApp, rememberToken, serverAddress, setServerAddress } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { Link } from '../router.tsx';

export function AuthScreen({ mode, onSignedIn }: { mode: 'signup' | 'login'; onSignedIn(answer: AuthAnswer, isNewAccount: boolean): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [server, setServer] = useState(serverAddress());
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const isSignup = mode === 'signup';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (isNativeApp() && server !== serverAddress()) {
      setServerAddress(server);
      window.location.reload();
      return;
    }
    if (!/^\S+@\S+\.\S+$/.test(email)) return setError('Please enter a valid email address, such as you@example.com.');
    if (isSignup && password.length < 8) return setError('Please choose a password of at least 8 characters.');
    if (password === '') return setError('Please enter your password.');
    setBusy(true);
    try {
      const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const answer = isSignup
        ? await api.signup({ email, password, timezone, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) })
        : await api.login({ email, password });
      rememberToken(answer.token);
      onSignedIn(answer, isSignup);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="auth-screen">
      <div className="auth-card">
        <img src="/icons/icon.svg" alt="" className="auth-logo" width={56} height={56} />
        <ScreenHeading>{isSignup ? 'Create your account' : 'Welcome back'}</ScreenHeading>
        <p className="lead">{isSignup ? 'Meet a companion who remembers you.' : 'Log in to talk with your companion.'}</p>
        <form onSubmit={submit} noValidate>
          {isNativeApp() && (
            <div className="field">
              <label htmlFor="server">Server address</label>
              <input
                id="server"
                type="url"
                inputMode="url"
                value={server}
                placeholder="https://kindred.example"
                onChange={(event) => setServer(event.target.value)}
              />
            </div>
          )}
          {isSignup && (
            <div className="field">
              <label htmlFor="display-name">
                Your name <span className="optional">(optional)</span>
              </label>
              <input id="display-name" autoComplete="name" value={displayName} maxLength={80} onChange={(event) => setDisplayName(event.target.value)} />
            </div>
          )}
          <div className="field">
            <label htmlFor="email">Email</label>
            <input id="email" type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              required
              minLength={isSignup ? 8 : 1}
              autoComplete={isSignup ? 'new-password' : 'current-password'}
              aria-describedby={isSignup ? 'password-hint' : undefined}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            {isSignup && (
              <p id="password-hint" className="hint">
                At least 8 characters.
              </p>
            )}
          </div>
          <ErrorAlert error={error} focus />
          <button type="submit" className="button primary wide" disabled={busy}>
            {busy ? 'Please wait…' : isSignup ? 'Sign up' : 'Log in'}
          </button>
        </form>
        <p className="switch-mode">
          {isSignup ? 'Already have an account? ' : 'New to Kindred? '}
          <Link href={isSignup ? '/login' : '/signup'}>{isSignup ? 'Log in' : 'Create an account'}</Link>
        </p>
      </div>
    </main>
  );
}
