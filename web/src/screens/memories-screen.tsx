// What the companion remembers: search it, correct it, forget it, or tell it something new.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { MemoryKind, MemoryView } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { useSession } from '../session.tsx';

const kindLabels: Record<MemoryKind, string> = { fact: 'Fact', preference: 'Preference', person: 'Person', event: 'Event', goal: 'Goal' };
const kinds = Object.keys(kindLabels) as MemoryKind[];

function MemoryItem({ memory, onChanged, onDeleted }: { memory: MemoryView; onChanged(memory: MemoryView): void; onDeleted(id: string): void }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [text, setText] = useState(memory.text);
  const [kind, setKind] = useState<MemoryKind>(memory.kind);
  const [error, setError] = useState<unknown>();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      onChanged(await api.updateMemory(memory.id, { text, kind }));
      setEditing(false);
    } catch (caught) {
      setError(caught);
    }
  };
  const remove = async () => {
    try {
      await api.deleteMemory(memory.id);
      onDeleted(memory.id);
    } catch (caught) {
      setError(caught);
    }
  };

  if (editing) {
    return (
      <li className="card memory">
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
            <button type="button" className="button secondary small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      </li>
    );
  }
  return (
    <li className="card memory" data-testid="memory">
      <p className="memory-text">{memory.text}</p>
      <p className="hint">
        <span className="tag">{kindLabels[memory.kind]}</span> Remembered {new Date(memory.createdAt).toLocaleDateString()}
        {memory.eventDate ? ` · about ${memory.eventDate}` : ''}
      </p>
      <ErrorAlert error={error} />
      <div className="actions">
        {confirming ? (
          <>
            <span>Forget this for good?</span>
            <button type="button" className="button danger small" onClick={() => void remove()}>
              Yes, forget it
            </button>
            <button type="button" className="button secondary small" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button secondary small" onClick={() => setEditing(true)} aria-label={`Edit memory: ${memory.text}`}>
              Edit
            </button>
            <button type="button" className="button danger small" onClick={() => setConfirming(true)} aria-label={`Delete memory: ${memory.text}`}>
              Delete
            </button>
          </>
        )}
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
  const [status, setStatus] = useState('');

  const load = useCallback(async (search: string) => {
    try {
      setMemories(await api.memories(search ? { query: search } : {}));
      setSearched(search);
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void load('');
  }, [load]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (newText.trim() === '') return;
    try {
      const memory = await api.createMemory({ text: newText.trim() });
      setMemories((previous) => [memory, ...(previous ?? [])]);
      setNewText('');
      setStatus('Memory added.');
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <main id="main" className="page">
      <ScreenHeading>Memories</ScreenHeading>
      <p className="lead">What {companion.name} remembers about you. Correct anything that is wrong, or make it forget.</p>

      <search>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void load(query.trim());
          }}
        >
          <label htmlFor="memory-search">Search memories</label>
          <input id="memory-search" type="search" value={query} onChange={(event) => setQuery(event.target.value)} />
          <button type="submit" className="button secondary">
            Search
          </button>
          {searched && (
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                setQuery('');
                void load('');
              }}
            >
              Show all
            </button>
          )}
        </form>
      </search>

      <form className="inline-form" onSubmit={add}>
        <label htmlFor="memory-new">Tell {companion.name} something to remember</label>
        <input id="memory-new" value={newText} maxLength={1000} onChange={(event) => setNewText(event.target.value)} />
        <button type="submit" className="button primary">
          Remember
        </button>
      </form>

      <ErrorAlert error={error} />
      <p role="status" className="hint">
        {status || (memories ? `${memories.length} ${memories.length === 1 ? 'memory' : 'memories'}${searched ? ` matching “${searched}”` : ''}.` : 'Loading…')}
      </p>
      {memories && memories.length === 0 && (
        <p className="empty">
          {searched ? 'Nothing matches that search.' : `${companion.name} does not remember anything yet. Chat a little, or add a memory above.`}
        </p>
      )}
      <ul className="card-list">
        {memories?.map((memory) => (
          <MemoryItem
            key={memory.id}
            memory={memory}
            onChanged={(changed) => setMemories((previous) => previous?.map((item) => (item.id === changed.id ? changed : item)))}
            onDeleted={(id) => {
              setMemories((previous) => previous?.filter((item) => item.id !== id));
              setStatus('Memory deleted.');
            }}
          />
        ))}
      </ul>
    </main>
  );
}
