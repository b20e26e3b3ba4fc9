import type { Principal } from '../api/client';
import type { LiveState } from '../api/live';

const LIVE_TEXT: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', ended: 'Disconnected' };

export function Header(props: {
  who: Principal;
  stationId?: string;
  live: LiveState;
  screen: 'line' | 'supervisor';
  onScreen: (s: 'line' | 'supervisor') => void;
  onSignOut: () => void;
}) {
  const { who, stationId, live, screen, onScreen, onSignOut } = props;
  return (
    <header className="top">
      <h1>Station {stationId ?? ''}</h1>
      <nav aria-label="Screens">
        <button type="button" className="tab" aria-current={screen === 'line' ? 'page' : undefined} onClick={() => onScreen('line')}>
          Line
        </button>
        {who.role === 'supervisor' && (
          <button type="button" className="tab" aria-current={screen === 'supervisor' ? 'page' : undefined} onClick={() => onScreen('supervisor')}>
            Supervisor
          </button>
        )}
      </nav>
      <p className={`live live-${live}`} role="status">
        {LIVE_TEXT[live]}
      </p>
      <p className="who">
        {who.name} <span className="role">{who.role}</span>
      </p>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
