import type { Panel } from '../api/client';
import { sum } from '../counts';


/** The shift at a glance: provisioned, refused, failed, and what central has not yet received. */
export function Counters({ panel }: { panel: Panel }) {
  const { shift } = panel.status;
  const { audit } = panel;
  return (
    <section className="counters" aria-label="Shift counters">
      <div className="counter tone-done">
        <p className="label">Provisioned this shift</p>
        <p className="big" data-testid="provisioned">{shift.provisioned}</p>
      </div>
      <div className="counter tone-refused">
        <p className="label">Refused</p>
        <p className="big" data-testid="refused">{sum(shift.refused)}</p>
      </div>
      <div className="counter tone-failed">
        <p className="label">Failed</p>
        <p className="big" data-testid="failed">{sum(shift.failed)}</p>
      </div>
      <div className={`counter ${audit.unsynced > 0 ? 'tone-pending' : ''}`}>
        <p className="label">Audit records not yet at central</p>
        <p className="big" data-testid="unsynced">{audit.unsynced}</p>
        <p className="small">{audit.lastReceiptAt ? `last receipt ${new Date(audit.lastReceiptAt).toLocaleTimeString()}` : 'no receipt yet'}</p>
      </div>
    </section>
  );
}
