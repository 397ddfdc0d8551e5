import { useEffect, useRef, type ReactNode } from 'react';

/** A modal dialog: Escape closes (unless `busy`), focus moves inside, the backdrop blocks the app. */
export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  busy?: boolean;
  testId?: string;
}) {
  const { title, onClose, children, footer, wide, busy, testId } = props;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.close)');
    first?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose, busy]);
  return (
    <div className="modal-backdrop" role="presentation">
      <div className={`modal${wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={box} data-testid={testId}>
        <header>
          <h2>{title}</h2>
          <button type="button" className="btn ghost small right close" onClick={onClose} disabled={busy} aria-label="Close">
            ×
          </button>
        </header>
        <div className="body">{children}</div>
        {footer && <footer>{footer}</footer>}
      </div>
    </div>
  );
}
