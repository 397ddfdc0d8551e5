/** Adds an examiner event ("phone call with the bank") to the timeline: stored as a small evidence item, journaled. */
import { useState } from 'react';
import { EVENT_CATEGORIES, type EventCategory } from '../../shared/model/event';
import { call, errorMessage } from '../api';
import { Modal } from '../components/Modal';
import { fromLocalInput, toLocalInput } from '../lib/time';
import { useApp } from '../state';

export function ManualEventDialog({ onClose }: { onClose: () => void }) {
  const { zone, bumpData, notify, selectEvent } = useApp();
  const [nowUs] = useState(() => Date.now() * 1000);
  const [at, setAt] = useState(() => toLocalInput(nowUs, zone));
  const [text, setText] = useState('');
  const [actor, setActor] = useState('');
  const [category, setCategory] = useState<EventCategory>('other');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const atUs = fromLocalInput(at, zone);
  const save = async () => {
    if (atUs === null) return;
    setBusy(true);
    setError(null);
    try {
      const tagList = tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const r = await call('manual:add', {
        atUs,
        text: text.trim(),
        category,
        ...(actor.trim() ? { actor: actor.trim() } : {}),
        ...(tagList.length ? { tags: tagList } : {}),
      });
      notify('ok', 'Event added to the timeline.');
      bumpData();
      selectEvent(r.eventId);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Add an examiner event"
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={busy || !text.trim() || atUs === null} onClick={() => void save()}>
            Add event
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label className="field">
          <span>When ({zone})</span>
          <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
        </label>
        <label className="field">
          <span>Category</span>
          <select value={category} onChange={(e) => setCategory(e.target.value as EventCategory)}>
            {EVENT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field full">
          <span>What happened</span>
          <textarea
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Phone call with the bank: the wire to the new account was stopped."
          />
        </label>
        <label className="field">
          <span>Actor (optional)</span>
          <input type="text" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="cfo@contoso.com" />
        </label>
        <label className="field">
          <span>Tags (comma-separated)</span>
          <input type="text" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="context" />
        </label>
      </div>
      <div className="muted" style={{ fontSize: 12 }}>
        Examiner events are marked as such everywhere (source “manual”), stored as their own evidence item and journaled.
      </div>
      {error && (
        <div className="banner bad" role="alert">
          {error}
        </div>
      )}
    </Modal>
  );
}
