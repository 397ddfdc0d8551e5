import type { Notice } from '../state';

/** Notices in the corner; errors stay longer. */
export function Toasts({ notices }: { notices: Notice[] }) {
  return (
    <div className="toasts" aria-live="polite">
      {notices.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
