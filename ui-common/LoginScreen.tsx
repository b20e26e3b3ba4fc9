import { useState, type FormEvent } from 'react';

/** What signing in came to: the signed-in principal, or the words to show. */
export type SignInResult<P> = { principal: P } | { problem: string };

/**
 * The sign-in screen of station-ui and central-ui; each passes its own heading and the call to
 * its server's POST /api/auth/login. Names are sent trimmed and lower-case, as accounts are made.
 */
export function LoginScreen<P>(props: {
  title: string;
  subtitle?: string;
  signIn: (name: string, password: string) => Promise<SignInResult<P>>;
  onSignedIn: (p: P) => void;
}) {
  const { title, subtitle, signIn, onSignedIn } = props;
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const result = await signIn(name.trim().toLowerCase(), password);
    setBusy(false);
    if ('principal' in result) onSignedIn(result.principal);
    else setProblem(result.problem);
  };

  return (
    <main className="login">
      <h1>{title}</h1>
      {subtitle && <p className="muted">{subtitle}</p>}
      <form onSubmit={submit} aria-describedby={problem ? 'login-problem' : undefined}>
        <label htmlFor="login-name">User name</label>
        <input id="login-name" name="username" autoComplete="username" autoFocus required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {problem && (
          <p id="login-problem" className="problem" role="alert">
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
