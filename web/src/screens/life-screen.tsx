// Life: support beyond the chat. A one-tap mood and its trend, with what tends to go with good and
// harder days; goals and habits in every part of life; and the weekly reflection. All of it is the
// person's alone. One column on a phone; on a wide screen moods on the left, goals on the right.
import { useState } from 'react';
import '../components/controls.css';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { GoalsSection } from '../life/goals-section.tsx';
import { MoodCheckIn } from '../life/mood-check-in.tsx';
import { MoodTrend } from '../life/mood-trend.tsx';
import { ReflectionSection } from '../life/reflection-section.tsx';
import { useSession } from '../session.tsx';
import '../life/life.css';
import '../settings/settings.css';

export function LifeScreen() {
  const { companion } = useSession();
  // Bumped when a mood is recorded or removed, so the trend reloads.
  const [moodChanges, setMoodChanges] = useState(0);
  return (
    <main id="main" className="page life-page">
      <ScreenHeading>Life</ScreenHeading>
      <p className="lead">Your moods, goals and habits, and a weekly look back. Only you can see them; {companion.name} uses them to support you.</p>
      <div className="life-grid">
        <div className="life-column">
          <MoodCheckIn onRecorded={() => setMoodChanges((count) => count + 1)} />
          <MoodTrend refreshKey={moodChanges} />
        </div>
        <div className="life-column">
          <GoalsSection />
          <ReflectionSection />
        </div>
      </div>
    </main>
  );
}
