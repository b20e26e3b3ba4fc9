import { useState, type FormEvent } from 'react';
import { api, errorText, type Principal } from '../api/client';

export function Login({ onSignedIn }: { onSignedIn: (p: Principal) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const { data, error, response } = await api.POST('/api/auth/login', { body: { name: name.trim().toLowerCase(), password } });
    setBusy(false);
    if (data) onSignedIn(data);
    else setProblem(errorText(error, response));
  };

  return (
    <main className="login">
      <h1>Central console</h1>
      <p className="muted">Brand owner and auditor sign-in</p>
      <form onSubmit={submit}>
        <label htmlFor="login-name">User name</label>
        <input id="login-name" name="username" autoComplete="username" autoFocus required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {problem && (
          <p className="problem" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
