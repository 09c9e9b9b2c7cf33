// Onboarding's last step: how the companion looks, the current choice shown large with the first
// thing they will say, so the person sees who they are about to meet.
import type { Catalog, Companion } from '../../../common/client.ts';

interface LookStepProps {
  catalog: Catalog;
  companion: Companion;
  onChange(change: Partial<Companion>): void;
}

export function LookStep({ catalog, companion, onChange }: LookStepProps) {
  const chosen = catalog.avatars.find((avatar) => avatar.id === companion.avatarId) ?? catalog.avatars[0];
  const persona = catalog.personas.find((candidate) => candidate.id === companion.personaId);
  const name = companion.name.trim() || 'Your companion';
  return (
    <>
      {chosen && (
        <figure className="avatar-preview" data-testid="avatar-preview">
          <img src={chosen.imageUrl} alt={chosen.alt} width={144} height={144} />
          <figcaption>
            <span className="avatar-preview-name">{name}</span>
            <span className="avatar-preview-persona">
              {persona?.name ?? ''} · {chosen.name}
            </span>
            {persona && <span className="avatar-preview-greeting">“{persona.greeting}”</span>}
          </figcaption>
        </figure>
      )}
      <fieldset className="option-group">
        <legend>Avatar</legend>
        <div className="avatar-options">
          {catalog.avatars.map((avatar) => (
            <label key={avatar.id} className="avatar-option">
              <input
                type="radio"
                name="avatar"
                value={avatar.id}
                checked={companion.avatarId === avatar.id}
                onChange={() => onChange({ avatarId: avatar.id })}
              />
              <img src={avatar.imageUrl} alt="" width={64} height={64} />
              <span className="avatar-option-name">{avatar.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
