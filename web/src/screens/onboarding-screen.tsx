// The first thing after sign-up: choosing and naming the companion.
import { api } from '../api.ts';
import { CompanionForm } from '../components/companion-form.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

export function OnboardingScreen() {
  const session = useSession();
  return (
    <main id="main" className="page narrow">
      <ScreenHeading>Meet your companion</ScreenHeading>
      <p className="lead">Choose who your companion is, how they sound and how they look. You can change any of this later in Settings.</p>
      <CompanionForm
        catalog={session.catalog}
        initial={session.companion}
        submitLabel="Start talking"
        onSubmit={async (companion) => {
          session.setCompanion(await api.updateCompanion(companion));
          navigate('/chat');
        }}
      />
    </main>
  );
}
