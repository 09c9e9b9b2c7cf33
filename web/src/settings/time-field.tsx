// One labelled wall-clock time input (`HH:MM`), as the reaching-out settings show each of theirs:
// the check-in time and both ends of the quiet hours.

/** What a time field shows and where its changes go; `describedBy` names a hint shared by several fields. */
export interface TimeFieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  disabled?: boolean;
  describedBy?: string;
}

export function TimeField({ id, label, value, onChange, disabled, describedBy }: TimeFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="time" required aria-describedby={describedBy} value={value} disabled={disabled} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}
