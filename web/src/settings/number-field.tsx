// One labelled whole-number input with its hint below, as the reaching-out settings show their
// daily limit and their minutes before an event.

/** What a number field shows and where its changes go; an empty or unreadable entry keeps the value it had. */
export interface NumberFieldProps {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  hint: string;
  onChange(value: number): void;
}

export function NumberField({ id, label, value, min, max, hint, onChange }: NumberFieldProps) {
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        required
        value={value}
        aria-describedby={hintId}
        onChange={(event) => onChange(wholeNumber(event.target.value, value))}
      />
      <p id={hintId} className="settings-muted">
        {hint}
      </p>
    </div>
  );
}

function wholeNumber(text: string, fallback: number): number {
  return text === '' || Number.isNaN(Number(text)) ? fallback : Math.round(Number(text));
}
