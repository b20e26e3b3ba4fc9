import { useCallback, useEffect, useState } from 'react';
import { api, type Principal } from './api/client';
import { Login } from './screens/Login';
import { Header, type Tab } from './components/Header';
import { OverviewScreen } from './screens/OverviewScreen';
import { OrderScreen } from './screens/OrderScreen';
import { AnomaliesScreen } from './screens/AnomaliesScreen';
import { DeviceScreen } from './screens/DeviceScreen';
import { StationsScreen } from './screens/StationsScreen';
import { StationRecordsScreen } from './screens/StationRecordsScreen';
import { SignInsScreen } from './screens/SignInsScreen';

/** Where the console is: a tab, or a drill-down reached from one. */
export type View =
  | { tab: Tab }
  | { tab: 'orders'; orderId: string }
  | { tab: 'anomalies'; deviceSerial: string }
  | { tab: 'stations'; stationId: string; around?: number };

export interface Nav {
  go: (v: View) => void;
  onEnded: () => void;
  canRevoke: boolean;
}

/** Who is signed in decides what is shown; central decides what is allowed. */
export function App() {
  const [who, setWho] = useState<Principal | null | undefined>(undefined);
  const recheck = useCallback(() => {
    void api.GET('/api/auth/me').then(({ data }) => setWho(data ?? null), () => setWho(null));
  }, []);
  useEffect(recheck, [recheck]);

  if (who === undefined) return <main className="loading">Connecting to central…</main>;
  if (who === null) return <Login onSignedIn={setWho} />;
  return <SignedIn who={who} onEnded={recheck} onSignedOut={() => setWho(null)} />;
}

function SignedIn({ who, onEnded, onSignedOut }: { who: Principal; onEnded: () => void; onSignedOut: () => void }) {
  const [view, setView] = useState<View>({ tab: 'orders' });
  const nav: Nav = { go: setView, onEnded, canRevoke: who.role === 'brand-owner' };
  const signOut = async () => {
    await api.POST('/api/auth/logout');
    onSignedOut();
  };
  // a block body: scrollTo may return a promise, and an effect must return nothing or a cleanup
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [view]);
  return (
    <>
      <Header who={who} tab={view.tab} onTab={(tab) => setView({ tab })} onSignOut={signOut} />
      <main id="main">{screenFor(view, nav)}</main>
    </>
  );
}

function screenFor(view: View, nav: Nav) {
  if ('orderId' in view) return <OrderScreen key={view.orderId} orderId={view.orderId} nav={nav} />;
  if ('deviceSerial' in view) return <DeviceScreen key={view.deviceSerial} deviceSerial={view.deviceSerial} nav={nav} />;
  if ('stationId' in view) return <StationRecordsScreen key={`${view.stationId}-${view.around}`} stationId={view.stationId} around={view.around} nav={nav} />;
  switch (view.tab) {
    case 'orders':
      return <OverviewScreen nav={nav} />;
    case 'anomalies':
      return <AnomaliesScreen nav={nav} />;
    case 'stations':
      return <StationsScreen nav={nav} />;
    case 'sign-ins':
      return <SignInsScreen nav={nav} />;
  }
}
