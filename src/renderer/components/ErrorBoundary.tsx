import { Component, type ReactNode } from 'react';

/** Keeps a failing screen from blanking the whole window: shows the error and a way back. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: unknown }, { error: Error | null; key: unknown }> {
  override state: { error: Error | null; key: unknown } = { error: null, key: undefined };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey?: unknown }, state: { error: Error | null; key: unknown }) {
    // Navigating elsewhere clears the error.
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="screen">
        <div className="banner bad" role="alert">
          <strong>This screen failed:</strong> {this.state.error.message}
        </div>
      </div>
    );
  }
}
