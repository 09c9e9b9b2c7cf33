// The first thing after sign-up: meeting the companion in three short steps (name and personality,
// voice, look), each skippable. Whatever is chosen is saved at the end, and the first conversation
// opens with the persona's greeting already waiting in it.
import { type FormEvent, useState } from 'react';
import type { Companion } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Icon } from '../components/icons.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { LookStep } from '../onboarding/look-step.tsx';
import { NameStep } from '../onboarding/name-step.tsx';
import { StepIndicator } from '../onboarding/step-indicator.tsx';
import { VoiceStep } from '../onboarding/voice-step.tsx';
import '../onboarding/onboarding.css';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

const steps = [
  { label: 'Name', title: 'Meet your companion', lead: 'Give them a name and choose their personality.' },
  { label: 'Voice', title: 'Choose a voice', lead: 'Play a few and pick the one that feels right.' },
  { label: 'Look', title: 'Choose a look', lead: 'This is who you will see beside every reply.' },
] as const;

const lastStep = steps.length - 1;

/**
 * The first conversation, opened with the persona's greeting stored in it. Only for someone with no
 * conversation yet, so coming back to onboarding never adds another. Failing here is not failing
 * onboarding: the chat still shows the greeting, only not stored.
 */
async function openFirstConversation(): Promise<string | undefined> {
  try {
    if ((await api.conversations()).length > 0) return undefined;
    return (await api.createConversation({ greet: true })).id;
  } catch {
    return undefined;
  }
}

export function OnboardingScreen() {
  const session = useSession();
  const [step, setStep] = useState(0);
  const [companion, setCompanion] = useState<Companion>(session.companion);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const current = steps[step] ?? steps[0];

  /** Each step starts at its top, as a new page would. */
  const goTo = (target: number) => {
    setStep(target);
    window.scrollTo({ top: 0 });
  };

  const update = (change: Partial<Companion>) => {
    setError(undefined);
    setCompanion((previous) => ({ ...previous, ...change }));
  };

  /** With a companion, saves it first; without, keeps what the account already has (the defaults). */
  const finish = async (chosen: Companion | undefined) => {
    setError(undefined);
    setSaving(true);
    try {
      if (chosen) session.setCompanion(await api.updateCompanion(chosen));
      const conversationId = await openFirstConversation();
      navigate(conversationId ? `/chat/${conversationId}` : '/chat');
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  };

  const next = (event: FormEvent) => {
    event.preventDefault();
    if (companion.name.trim() === '') {
      goTo(0);
      setError('Please give your companion a name.');
      return;
    }
    if (step < lastStep) goTo(step + 1);
    else void finish({ ...companion, name: companion.name.trim() });
  };

  return (
    <main id="main" className="onboarding">
      <div className="onboarding-top">
        <StepIndicator labels={steps.map((entry) => entry.label)} current={step} />
        <button type="button" className="link-button skip-button" onClick={() => void finish(undefined)} disabled={saving}>
          Skip for now
        </button>
      </div>
      <form className="onboarding-step" onSubmit={next} noValidate>
        <ScreenHeading>{current.title}</ScreenHeading>
        <p className="lead">{current.lead} You can change any of this later in Settings.</p>
        {step === 0 && <NameStep catalog={session.catalog} companion={companion} onChange={update} />}
        {step === 1 && <VoiceStep catalog={session.catalog} companion={companion} onChange={update} />}
        {step === 2 && <LookStep catalog={session.catalog} companion={companion} onChange={update} />}
        <ErrorAlert error={error} focus />
        <div className="onboarding-actions">
          {step > 0 && (
            <button type="button" className="button secondary" onClick={() => goTo(step - 1)} disabled={saving}>
              <Icon name="back" />
              Back
            </button>
          )}
          <button type="submit" className="button primary" disabled={saving}>
            {step < lastStep ? 'Next' : saving ? 'Saving…' : 'Start talking'}
          </button>
        </div>
      </form>
    </main>
  );
}
