/** Placeholder shell; the real screens arrive with the desktop-app issue. */
export function App() {
  return (
    <main>
      <h1>Mailtrail</h1>
      <p>Offline BEC investigation workbench for Microsoft 365.</p>
    </main>
  );
}
