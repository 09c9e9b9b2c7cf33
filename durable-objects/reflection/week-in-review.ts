/**
 * What a capability gives the weekly reflection: its part of the week, as short plain lines for the
 * model ("Goal “Run a 5k” (health): 40% → 65%", "Mood: 5 check-ins, average 3.6, lowest Tuesday").
 * The lines go to the model inside a data block, so they are facts, never instructions.
 */
export interface WeekInReviewSource {
  /** The lines for the week `from`–`to` (epoch ms, `to` exclusive), in the person's time zone; empty when nothing happened. */
  weekInReview(week: { from: number; to: number; timezone: string }): Promise<string[]>;
}
