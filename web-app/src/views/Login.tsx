import { useState } from 'preact/hooks';
import type { AppModel } from '../model.js';

/** Log in, or register and log in. */
export function Login({ model }: { model: AppModel }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'register') await model.register(username, displayName || username, password);
      else await model.login(username, password);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1>Parley</h1>
      <form onSubmit={submit} aria-label={mode === 'login' ? 'Log in' : 'Register'}>
        <label>
          Username
          <input name="username" autoComplete="username" required minLength={3} maxLength={32} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        {mode === 'register' && (
          <label>
            Display name
            <input name="displayName" maxLength={64} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
          </label>
        )}
        <label>
          Password
          <input name="password" type="password" autoComplete={mode === 'login' ? 'current-password' : 'new-password'} required minLength={8} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" disabled={busy}>{mode === 'login' ? 'Log in' : 'Create account'}</button>
      </form>
      <button class="link" onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
        {mode === 'login' ? 'New here? Create an account' : 'Have an account? Log in'}
      </button>
    </main>
  );
}
