import type { ReactNode } from 'react';

// One row of a settings list of switches: a title that labels a real checkbox with role="switch"
// (drawn by controls.css), and a sentence below it that the switch is described by.

export interface SwitchRowProps {
  id: string;
  title: ReactNode;
  description: ReactNode;
  checked: boolean;
  onChange(): void;
  disabled?: boolean;
  /** The description's id; `<id>-description` unless a page already names it otherwise. */
  descriptionId?: string;
}

export function SwitchRow(props: SwitchRowProps) {
  return (
    <li className="settings-toggle-row">
      <SwitchControl {...props} />
    </li>
  );
}

/** The title, description and switch of a `SwitchRow`, for a row that holds more than them. */
export function SwitchControl({ id, title, description, checked, onChange, disabled, descriptionId = `${id}-description` }: SwitchRowProps) {
  return (
    <>
      <span className="settings-toggle-text">
        <label htmlFor={id} className="settings-toggle-title">
          {title}
        </label>
        <span id={descriptionId} className="settings-toggle-description">
          {description}
        </span>
      </span>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="toggle"
        checked={checked}
        aria-checked={checked}
        disabled={disabled}
        aria-describedby={descriptionId}
        onChange={onChange}
      />
    </>
  );
}
