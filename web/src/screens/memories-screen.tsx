// What the companion remembers: search it, correct it, forget it (with Undo), or tell it something
// new. The status line always describes the last thing that happened, never an earlier action.
import { type FormEvent, type MouseEvent, useCallback, useEffect, useState } from 'react';
import { KindredApiError, type MemoryKind, type MemoryView } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { UndoToast } from '../components/undo-toast.tsx';
import { type Deletion, useDeferredDeletion } from '../deferred-deletion.ts';
import { useSession } from '../session.tsx';
import '../components/controls.css';
import './memories-screen.css';

const kindLabels: Record<MemoryKind, string> = { fact: 'Fact', preference: 'Preference', person: 'Person', event: 'Event', goal: 'Goal' };
const kinds = Object.keys(kindLabels) as MemoryKind[];

/** "3 memories matching “Alps”.": what a list shows, said after a search or a change to it. */
function countSentence(count: number, search: string): string {
  const noun = count === 1 ? 'memory' : 'memories';
  return search ? `${count} ${noun} matching “${search}”.` : `${count} ${noun}.`;
}

const showCount = Symbol('count');

/** A memory's opening words, to name it in a short message. */
function shortened(text: string): string {
  return text.length > 48 ? `${text.slice(0, 46).trimEnd()}…` : text;
}

interface MemoryItemProps {
  memory: MemoryView;
  onChanged(memory: MemoryView): void;
  /** `fromKeyboard`: the Forget button was pressed with a key, so focus should follow to Undo. */
  onForget(memory: MemoryView, fromKeyboard: boolean): void;
}

function MemoryItem({ memory, onChanged, onForget }: MemoryItemProps) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(memory.text);
  const [kind, setKind] = useState<MemoryKind>(memory.kind);
  const [error, setError] = useState<unknown>();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') return setError('A memory needs some words. To remove it, use Forget instead.');
    try {
      onChanged(await api.updateMemory(memory.id, { text: text.trim(), kind }));
      setEditing(false);
    } catch (caught) {
      setError(caught);
    }
  };

  if (editing) {
    return (
      <li className="memory-card editing">
        <form onSubmit={save}>
          <div className="field">
            <label htmlFor={`memory-text-${memory.id}`}>Memory</label>
            <textarea id={`memory-text-${memory.id}`} value={text} maxLength={1000} rows={3} onChange={(event) => setText(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`memory-kind-${memory.id}`}>Kind</label>
            <select id={`memory-kind-${memory.id}`} value={kind} onChange={(event) => setKind(event.target.value as MemoryKind)}>
              {kinds.map((option) => (
                <option key={option} value={option}>
                  {kindLabels[option]}
                </option>
              ))}
            </select>
          </div>
          <ErrorAlert error={error} />
          <div className="actions">
            <button type="submit" className="button primary small">
              Save
            </button>
            <button
              type="button"
              className="button secondary small"
              onClick={() => {
                setText(memory.text);
                setKind(memory.kind);
                setError(undefined);
                setEditing(false);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      </li>
    );
  }
  return (
    <li className="memory-card" data-testid="memory">
      <p className="memory-text">{memory.text}</p>
      <div className="memory-footer">
        <p className="memory-meta">
          <span className="memory-kind">{kindLabels[memory.kind]}</span>
          <span>
            Remembered {new Date(memory.createdAt).toLocaleDateString()}
            {memory.eventDate ? ` · about ${memory.eventDate}` : ''}
          </span>
        </p>
        <div className="memory-actions">
          <button type="button" className="quiet-button" onClick={() => setEditing(true)} aria-label={`Edit memory: ${memory.text}`}>
            Edit
          </button>
          <button
            type="button"
            className="quiet-button"
            // A click with no pointer position came from the keyboard (Enter or Space).
            onClick={(event: MouseEvent) => onForget(memory, event.detail === 0)}
            aria-label={`Forget memory: ${memory.text}`}
          >
            Forget
          </button>
        </div>
      </div>
    </li>
  );
}

export function MemoriesScreen() {
  const { companion } = useSession();
  const [memories, setMemories] = useState<MemoryView[]>();
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const [newText, setNewText] = useState('');
  const [error, setError] = useState<unknown>();
  // The last action's message; `count` says how many memories the list shows, kept current as it changes.
  const [status, setStatus] = useState<string | typeof showCount>('Loading…');

  const deletion = useDeferredDeletion({
    onCommitted: ({ key }) => setMemories((previous) => previous?.filter((item) => item.id !== key)),
    onFailed: (_deletion, caught) => {
      setError(caught);
      setStatus('That memory could not be forgotten, so it is back in the list.');
    },
  });
  const visible = memories?.filter((memory) => !deletion.hiddenKeys.has(memory.id));

  const load = useCallback(async (search: string) => {
    setError(undefined);
    try {
      const found = await api.memories(search ? { query: search } : {});
      setMemories(found);
      setSearched(search);
      setStatus(showCount);
    } catch (caught) {
      setError(caught);
      setStatus('');
    }
  }, []);
  useEffect(() => {
    void load('');
  }, [load]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (newText.trim() === '') return;
    setError(undefined);
    try {
      const memory = await api.createMemory({ text: newText.trim() });
      setMemories((previous) => [memory, ...(previous ?? [])]);
      setNewText('');
      setStatus(`${companion.name} will remember that.`);
    } catch (caught) {
      setError(caught);
    }
  };

  const forget = (memory: MemoryView, fromKeyboard: boolean) => {
    const forgetting: Deletion = {
      key: memory.id,
      message: `Forgot “${shortened(memory.text)}”`,
      focusUndo: fromKeyboard,
      commit: async ({ keepalive }) => {
        try {
          await api.deleteMemory(memory.id, { keepalive });
        } catch (caught) {
          // Already gone (the companion forgot it meanwhile): what was asked for is done.
          if (!(caught instanceof KindredApiError && caught.id === 'not_found')) throw caught;
        }
      },
    };
    deletion.schedule(forgetting);
    setStatus(showCount);
  };

  return (
    <main id="main" className="page memories-page">
      <ScreenHeading>Memories</ScreenHeading>
      <p className="lead">What {companion.name} remembers about you. Correct anything that is wrong, or have it forgotten.</p>

      <div className="memories-tools">
        <search className="memories-search">
          <form
            className="memories-form"
            onSubmit={(event) => {
              event.preventDefault();
              void load(query.trim());
            }}
          >
            <label htmlFor="memory-search">Search memories</label>
            <div className="memories-form-row">
              <input id="memory-search" type="search" value={query} onChange={(event) => setQuery(event.target.value)} />
              <button type="submit" className="button secondary">
                Search
              </button>
            </div>
          </form>
        </search>

        <form className="memories-form" onSubmit={add}>
          <label htmlFor="memory-new">Tell {companion.name} something to remember</label>
          <div className="memories-form-row">
            <input id="memory-new" value={newText} maxLength={1000} placeholder="I’m vegetarian" onChange={(event) => setNewText(event.target.value)} />
            <button type="submit" className="button primary">
              Remember
            </button>
          </div>
        </form>
      </div>

      <ErrorAlert error={error} />
      <div className="memories-status-row">
        <p role="status" className="memories-status">
          {status === showCount ? countSentence(visible?.length ?? 0, searched) : status}
        </p>
        {searched && (
          <button
            type="button"
            className="quiet-button"
            onClick={() => {
              setQuery('');
              void load('');
            }}
          >
            Show all
          </button>
        )}
      </div>
      {visible && visible.length === 0 && (
        <div className="memories-empty">
          {searched ? (
            <p>Nothing matches “{searched}”. Try other words, or show everything.</p>
          ) : (
            <>
              <p className="memories-empty-title">Nothing remembered yet</p>
              <p>As you chat, {companion.name} keeps what matters to you here: people, plans, likes. You can also add something above.</p>
            </>
          )}
        </div>
      )}
      <ul className="memory-list">
        {visible?.map((memory) => (
          <MemoryItem
            key={memory.id}
            memory={memory}
            onChanged={(changed) => {
              setMemories((previous) => previous?.map((item) => (item.id === changed.id ? changed : item)));
              setStatus('Memory updated.');
            }}
            onForget={forget}
          />
        ))}
      </ul>
      <UndoToast deletion={deletion} onUndo={() => setStatus(showCount)} />
    </main>
  );
}
