import type { ReflectionSettings } from '../../common/reflection.ts';

/** Off until the person turns it on; when on, Sunday evening at 18:00 in their zone, unless they choose otherwise. */
export const defaultReflectionSettings: ReflectionSettings = { enabled: false, weekday: 'sunday', time: '18:00' };

/** What a reflection day came to: handed to outreach (which logs how it went), no model wrote it, or a week with nothing in it. */
export type ReflectionOutcome = 'handed-to-outreach' | 'not-written' | 'quiet-week';

type SettingsRow = { enabled: number; weekday: ReflectionSettings['weekday']; time: string; schedule_id: string | null };

/** The reflection's settings, its planned job, and which reflection days already ran. Nothing personal. */
export class ReflectionStore {
  constructor(private readonly sql: SqlStorage) {}

  #row(): SettingsRow | undefined {
    return this.sql.exec<SettingsRow>('SELECT enabled, weekday, time, schedule_id FROM reflection_settings WHERE id = 1').toArray()[0];
  }

  settings(): ReflectionSettings {
    const row = this.#row();
    return row ? { enabled: row.enabled === 1, weekday: row.weekday, time: row.time } : defaultReflectionSettings;
  }

  saveSettings(settings: ReflectionSettings, now: number): void {
    this.sql.exec(
      `INSERT INTO reflection_settings (id, enabled, weekday, time, schedule_id, updated_at) VALUES (1, ?, ?, ?, NULL, ?)
       ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, weekday = excluded.weekday, time = excluded.time, updated_at = excluded.updated_at`,
      settings.enabled ? 1 : 0,
      settings.weekday,
      settings.time,
      now,
    );
  }

  /** The id of the job waiting for the next reflection, to cancel it when the plan changes. */
  scheduleId(): string | null {
    return this.#row()?.schedule_id ?? null;
  }

  /** A job is only planned while the reflection is on, so its settings row exists already. */
  saveScheduleId(scheduleId: string | null): void {
    this.sql.exec('UPDATE reflection_settings SET schedule_id = ? WHERE id = 1', scheduleId);
  }

  hasRun(reflectionDate: string): boolean {
    return this.sql.exec('SELECT 1 FROM reflection_weeks WHERE reflection_date = ?', reflectionDate).toArray().length > 0;
  }

  /** Records that a reflection day ran; false when it had already (a job that ran twice). */
  markRun(reflectionDate: string, outcome: ReflectionOutcome, now: number): boolean {
    return (
      this.sql.exec('INSERT INTO reflection_weeks (reflection_date, outcome, ran_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', reflectionDate, outcome, now)
        .rowsWritten > 0
    );
  }
}
