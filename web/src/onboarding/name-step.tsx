// Onboarding's first step: what the companion is called and who they are.
import type { Catalog, Companion } from '../../../common/client.ts';

interface NameStepProps {
  catalog: Catalog;
  companion: Companion;
  onChange(change: Partial<Companion>): void;
}

export function NameStep({ catalog, companion, onChange }: NameStepProps) {
  return (
    <>
      <div className="field">
        <label htmlFor="companion-name">Your companion's name</label>
        <input
          id="companion-name"
          name="name"
          value={companion.name}
          maxLength={40}
          required
          autoComplete="off"
          autoCapitalize="words"
          enterKeyHint="next"
          onChange={(event) => onChange({ name: event.target.value })}
        />
      </div>
      <fieldset className="option-group">
        <legend>Personality</legend>
        <div className="option-list">
          {catalog.personas.map((persona) => (
            <label key={persona.id} className="option-card">
              <input
                type="radio"
                name="persona"
                value={persona.id}
                checked={companion.personaId === persona.id}
                onChange={() => onChange({ personaId: persona.id })}
              />
              <span className="option-check" aria-hidden="true" />
              <span className="option-text">
                <span className="option-title">{persona.name}</span>
                <span className="option-description">{persona.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
