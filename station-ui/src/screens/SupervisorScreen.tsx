import type { Panel } from '../api/client';
import { GrantImport } from '../components/GrantImport';
import { AlarmList } from '../components/AlarmList';
import { FailedDevices } from '../components/FailedDevices';
import { AuditTools } from '../components/AuditTools';
import { ShiftChange } from '../components/ShiftChange';

/** The supervisor's functions. The station checks the role on each of them, whatever this page shows. */
export function SupervisorScreen({ panel }: { panel: Panel }) {
  return (
    <div className="supervisor">
      <GrantImport />
      <AlarmList alarms={panel.alarms} />
      <FailedDevices slots={panel.status.slots} />
      <AuditTools audit={panel.audit} />
      <ShiftChange shift={panel.status.shift} />
    </div>
  );
}
