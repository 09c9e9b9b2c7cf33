// The mood trend over four weeks, three months or a year, and what tends to go with good and harder
// days, from the person's own notes. The chart is hand-built SVG: no chart library is installed, and
// a line through a few dozen points with two labelled axes is a few dozen lines of geometry
// (mood-chart.ts, tested) that a library would add hundreds of kilobytes to draw.
import { type RefObject, useEffect, useRef, useState } from 'react';
import type { MoodRange, MoodSummary } from '../../../common/client.ts';
import { moodLabels } from '../../../common/mood.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { describeThemes } from './life-words.ts';
import { chartFrame, chartPoints, chartSpan, describeTrend, formatTickDate, linePath, rangeNames, tableRows, tickDays, xScale, yScale } from './mood-chart.ts';

const ranges: MoodRange[] = ['4w', '3m', '12m'];
/** Before the chart's box is measured (and where ResizeObserver is missing): a width that fits a phone. */
const fallbackWidth = 340;

/** The width of an element as it changes; the chart redraws for it, so its words stay a readable size. */
function useElementWidth(element: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(fallbackWidth);
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    setWidth(Math.round(target.clientWidth) || fallbackWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setWidth(Math.round(target.clientWidth) || fallbackWidth));
    observer.observe(target);
    return () => observer.disconnect();
  }, [element]);
  return width;
}

function MoodChart({ summary, width, locale }: { summary: MoodSummary; width: number; locale: string | undefined }) {
  const frame = chartFrame(width);
  const points = chartPoints(summary, frame);
  const { first, last } = chartSpan(summary);
  const x = xScale(frame, first, last);
  const y = yScale(frame);
  // A phone has room for three dates under the chart, a wide screen for five.
  const ticks = tickDays(first, last, width < 480 ? 3 : 5);
  return (
    <svg className="mood-chart" role="img" aria-label={describeTrend(summary, locale)} width={frame.width} height={frame.height} data-testid="mood-chart">
      {[5, 4, 3, 2, 1].map((score) => (
        <g key={score}>
          <line className="mood-chart-grid" x1={frame.left} x2={frame.width - frame.right} y1={y(score)} y2={y(score)} />
          <text className="mood-chart-label" x={frame.left - 8} y={y(score)} textAnchor="end" dominantBaseline="middle">
            {`${moodLabels[score - 1]?.charAt(0).toUpperCase()}${moodLabels[score - 1]?.slice(1)}`}
          </text>
        </g>
      ))}
      {ticks.map((day, index) => (
        <text
          key={day}
          className="mood-chart-label"
          x={x(day)}
          y={frame.height - 8}
          // The first and last dates sit inside the chart rather than half off its edges.
          textAnchor={index === 0 ? 'start' : index === ticks.length - 1 ? 'end' : 'middle'}
        >
          {formatTickDate(day, summary.range, locale)}
        </text>
      ))}
      {points.length > 1 && <path className="mood-chart-line" d={linePath(points)} />}
      {points.map((point) => (
        <circle key={point.start} className="mood-chart-point" data-testid="mood-point" cx={point.x} cy={point.y} r={points.length > 60 ? 3 : 4.5} />
      ))}
    </svg>
  );
}

export function MoodTrend({ refreshKey }: { refreshKey: number }) {
  const [range, setRange] = useState<MoodRange>('4w');
  const [summary, setSummary] = useState<MoodSummary>();
  const [error, setError] = useState<unknown>();
  const chartBox = useRef<HTMLDivElement>(null);
  const width = useElementWidth(chartBox);
  const locale = typeof navigator === 'undefined' ? undefined : navigator.language;

  useEffect(() => {
    // Only the latest range's answer is shown, however the answers arrive.
    let current = true;
    setError(undefined);
    api.moodSummary(range).then(
      (answer) => void (current && setSummary(answer)),
      (caught) => void (current && setError(caught)),
    );
    // Reloaded when a mood is recorded or removed above.
    void refreshKey;
    return () => {
      current = false;
    };
  }, [range, refreshKey]);

  const shown = summary?.range === range ? summary : undefined;
  const rows = shown ? tableRows(shown, locale) : [];
  return (
    <section className="card life-section" aria-labelledby="life-trend-heading">
      <h2 id="life-trend-heading">Your mood over time</h2>
      <fieldset className="segmented life-ranges">
        <legend className="visually-hidden">Period</legend>
        {ranges.map((option) => (
          <label key={option} className="segmented-option">
            <input type="radio" name="mood-range" value={option} checked={range === option} onChange={() => setRange(option)} />
            <span>{rangeNames[option]}</span>
          </label>
        ))}
      </fieldset>
      <ErrorAlert error={error} />
      <div className="mood-chart-box" ref={chartBox} aria-busy={shown === undefined && error === undefined}>
        {shown === undefined && error === undefined && <p className="empty">Loading…</p>}
        {shown !== undefined && <MoodChart summary={shown} width={width} locale={locale} />}
      </div>
      {shown !== undefined && shown.points.length === 0 && <p className="empty">No moods in this period yet. Tap one above to start.</p>}
      {shown !== undefined && shown.points.length > 0 && (
        // A table that only assistive technology reads: the chart's points one by one. Wrapped, because a
        // table itself does not clip what overflows it, and its cells would widen the page.
        <div className="visually-hidden">
          <table>
            <caption>
              {shown.bucket === 'day' ? 'Average mood by day' : 'Average mood by week'}, over the last {rangeNames[shown.range]}
            </caption>
            <thead>
              <tr>
                <th scope="col">{shown.bucket === 'day' ? 'Day' : 'Week'}</th>
                <th scope="col">Average</th>
                <th scope="col">Entries</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.when}>
                  <th scope="row">{row.when}</th>
                  <td>{row.average}</td>
                  <td>{row.entries}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown !== undefined && <Insights insights={shown.insights} />}
    </section>
  );
}

function Insights({ insights }: { insights: MoodSummary['insights'] }) {
  return (
    <div className="life-insights" data-testid="mood-insights">
      <h3>What goes with good and harder days</h3>
      <p className="hint">Only you can see this. It comes from the notes you add to your moods.</p>
      {!insights.enoughData ? (
        <p className="empty">Add a note to your mood on a few good days and a few harder ones, and you'll see here what tends to go with each.</p>
      ) : (
        <ul className="plain-list">
          {insights.goodDays.length > 0 && (
            <li className="life-insight good">
              <strong>Good days often mention</strong> {describeThemes(insights.goodDays)}
            </li>
          )}
          {insights.badDays.length > 0 && (
            <li className="life-insight harder">
              <strong>Harder days often mention</strong> {describeThemes(insights.badDays)}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
