import { useCallback, useEffect, useState } from 'react';
import { api, type Principal } from './api/client';
import { useLivePanel } from './api/live';
import { Login } from './screens/Login';
import { LineScreen } from './screens/LineScreen';
import { SupervisorScreen } from './screens/SupervisorScreen';
import { Header } from './components/Header';

type Screen = 'line' | 'supervisor';

/** Who is signed in decides what is shown; the station decides what is allowed. */
export function App() {
  const [who, setWho] = useState<Principal | null | undefined>(undefined);
  const recheck = useCallback(() => {
    void api.GET('/api/auth/me').then(({ data }) => setWho(data ?? null), () => setWho(null));
  }, []);
  useEffect(recheck, [recheck]);

  if (who === undefined) return <main className="loading">Connecting to the station…</main>;
  if (who === null) return <Login onSignedIn={setWho} />;
  return <SignedIn who={who} onEnded={recheck} onSignedOut={() => setWho(null)} />;
}

function SignedIn({ who, onEnded, onSignedOut }: { who: Principal; onEnded: () => void; onSignedOut: () => void }) {
  const { panel, state } = useLivePanel(onEnded);
  const [screen, setScreen] = useState<Screen>('line');
  const signOut = async () => {
    await api.POST('/api/auth/logout');
    onSignedOut();
  };
  return (
    <>
      <Header who={who} stationId={panel?.status.stationId} live={state} screen={screen} onScreen={setScreen} onSignOut={signOut} />
      <main id="main">
        {!panel ? <p className="loading">Waiting for the station…</p> : screen === 'supervisor' && who.role === 'supervisor' ? <SupervisorScreen panel={panel} /> : <LineScreen panel={panel} />}
      </main>
    </>
  );
}
