// One tool as the Tools screen lists it: its human name and sentence with a switch, how much it can
// do in plain words (which the person can raise or lower), and, for a tool that changes data or acts
// in the world, whether it asks first or is always allowed.
import type { ToolRisk, ToolView, UpdateToolBody } from '../../../common/client.ts';
import { SwitchControl } from '../components/switch-row.tsx';
import { canAskFirst, riskLevels, riskWords } from './tool-words.ts';

interface ToolRowProps {
  tool: ToolView;
  onChange(tool: ToolView, patch: UpdateToolBody): void;
}

export function ToolRow({ tool, onChange }: ToolRowProps) {
  const id = `tool-${tool.id}`;
  const chooseRisk = (risk: ToolRisk) => onChange(tool, { risk: risk === tool.defaultRisk ? null : risk });
  return (
    <li className="settings-toggle-row tool-row" data-testid="tool-row" data-tool-name={tool.name}>
      <div className="tool-row-main">
        <SwitchControl
          id={id}
          title={tool.title}
          description={
            <>
              {tool.description}
              {!tool.available && <span className="tool-unavailable"> Unavailable for now: its server cannot be reached.</span>}
            </>
          }
          checked={tool.enabled}
          onChange={() => onChange(tool, { enabled: !tool.enabled })}
        />
      </div>
      <div className="tool-row-controls">
        <div className="tool-risk">
          <label htmlFor={`${id}-risk`} className="tool-control-label">
            What it can do<span className="visually-hidden">: {tool.title}</span>
          </label>
          <select
            id={`${id}-risk`}
            value={tool.risk}
            aria-describedby={`${id}-risk-description`}
            onChange={(event) => chooseRisk(event.target.value as ToolRisk)}
          >
            {riskLevels.map((risk) => (
              <option key={risk} value={risk}>
                {riskWords[risk].label}
                {risk === tool.defaultRisk ? ' (as it says)' : ''}
              </option>
            ))}
          </select>
          <span id={`${id}-risk-description`} className="settings-muted">
            {riskWords[tool.risk].description}
          </span>
        </div>
        {canAskFirst(tool.risk) && (
          <fieldset className="tool-approval">
            <legend className="visually-hidden">Before {tool.title} is used</legend>
            <div className="segmented">
              {(['ask', 'always'] as const).map((mode) => (
                <label key={mode} className="segmented-option">
                  <input
                    type="radio"
                    name={`${id}-approval`}
                    value={mode}
                    checked={tool.approval === mode}
                    onChange={() => onChange(tool, { approval: mode })}
                  />
                  <span>{mode === 'ask' ? 'Ask me first' : 'Always allow'}</span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
      </div>
    </li>
  );
}
