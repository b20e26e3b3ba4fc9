import type { Principal } from '../api/client';

export type Tab = 'orders' | 'anomalies' | 'stations' | 'sign-ins';
const TABS: Array<[Tab, string]> = [
  ['orders', 'Orders'],
  ['anomalies', 'Anomalies'],
  ['stations', 'Stations'],
  ['sign-ins', 'Sign-ins'],
];
const ROLE: Record<Principal['role'], string> = { 'brand-owner': 'brand owner', auditor: 'auditor (read-only)', station: 'station' };

export function Header({ who, tab, onTab, onSignOut }: { who: Principal; tab: Tab; onTab: (t: Tab) => void; onSignOut: () => void }) {
  return (
    <header className="top">
      <p className="brand">Central console</p>
      <nav aria-label="Screens">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" className="tab" aria-current={tab === id ? 'page' : undefined} onClick={() => onTab(id)}>
            {label}
          </button>
        ))}
      </nav>
      <p className="who">
        {who.name} <span className="role">{ROLE[who.role]}</span>
      </p>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
