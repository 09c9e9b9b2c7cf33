// What a person sees right after deleting their account: a plain statement that it is done, what
// went with it, and a way to start again. Nothing here needs a session.
import { ScreenHeading } from '../components/screen-heading.tsx';
import { Link } from '../router.tsx';

export function GoodbyeScreen() {
  return (
    <main id="main" className="auth-screen">
      <div className="auth-card goodbye-card">
        <img src="/icons/icon.svg" alt="" className="auth-logo" width={56} height={56} />
        <ScreenHeading>Your account and everything in it has been deleted</ScreenHeading>
        <p className="lead">
          Your conversations, memories, files and settings are gone from Kindred, and the key that protected them was destroyed, so not even a backup can bring
          them back.
        </p>
        <p>Thank you for the time you spent here. Take care.</p>
        <div className="goodbye-actions">
          <Link href="/signup" className="button primary wide">
            Create a new account
          </Link>
        </div>
      </div>
    </main>
  );
}
