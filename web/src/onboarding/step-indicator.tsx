// Where the person is in onboarding: "Step 2 of 3" in words, and a bar per step that fills as they go.
export function StepIndicator({ labels, current }: { labels: readonly string[]; current: number }) {
  return (
    <div className="step-indicator">
      <p className="step-count">
        Step {current + 1} of {labels.length}
      </p>
      <ol aria-label="Onboarding steps">
        {labels.map((label, index) => (
          <li key={label} aria-current={index === current ? 'step' : undefined} className={index < current ? 'done' : undefined}>
            <span className="step-bar" />
            <span className="step-label">
              {label}
              {index < current && <span className="visually-hidden"> (done)</span>}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
