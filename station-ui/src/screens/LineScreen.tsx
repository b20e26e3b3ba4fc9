import { useEffect, useState } from 'react';
import { api, call, type Panel, type Slot } from '../api/client';
import { SlotCard } from '../components/SlotCard';
import { ScanBox } from '../components/ScanBox';
import { AlarmBanner } from '../components/AlarmBanner';
import { Counters } from '../components/Counters';
import { Orders } from '../components/Orders';

/** The operator's jig panel: every slot live, the shift's counters, quota left, audit backlog. */
export function LineScreen({ panel }: { panel: Panel }) {
  const [found, setFound] = useState<Slot | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const { status } = panel;

  useEffect(() => {
    if (found) document.getElementById(`slot-${found.jigId}-${found.slot}`)?.scrollIntoView({ block: 'nearest' });
  }, [found]);

  const scan = async (jigId: string) => {
    setProblem(null);
    try {
      await call(api.POST('/api/jigs/{jigId}/scan', { params: { path: { jigId } } }));
    } catch (err) {
      setProblem(`${jigId}: ${(err as Error).message}`);
    }
  };

  return (
    <div className="line">
      <AlarmBanner alarms={panel.alarms} />
      <ScanBox slots={status.slots} jigIds={panel.jigs.map((j) => j.id)} onFound={setFound} />
      <Counters panel={panel} />
      <Orders orders={status.orders} lowShare={panel.lowQuotaShare} />
      <section aria-labelledby="slots-title">
        <h2 id="slots-title">Slots</h2>
        {problem && (
          <p className="problem" role="alert">
            {problem}
          </p>
        )}
        {panel.jigs.map((jig) => {
          const slots = status.slots.filter((s) => s.jigId === jig.id);
          return (
            <div className="jig" key={jig.id}>
              <div className="jig-head">
                <h3>
                  {jig.id} <span className="muted">· {jig.product}</span>
                </h3>
                <button type="button" onClick={() => void scan(jig.id)}>
                  Scan {jig.id}
                </button>
              </div>
              {slots.length === 0 ? (
                <p className="muted">No devices scanned yet: load the jig and scan it.</p>
              ) : (
                <div className="slots">
                  {slots.map((s) => (
                    <SlotCard key={`${s.jigId}/${s.slot}`} slot={s} highlighted={found?.jigId === s.jigId && found.slot === s.slot} />
                  ))}
                </div>
              )}
            </div>
          );
        })}
      </section>
      <Refusals panel={panel} />
    </div>
  );
}

function Refusals({ panel }: { panel: Panel }) {
  if (panel.refusals.length === 0) return null;
  return (
    <section aria-labelledby="refusals-title">
      <h2 id="refusals-title">Latest refused and failed devices</h2>
      <table className="refusals">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Device</th>
            <th scope="col">Where</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {panel.refusals.map((r, i) => (
            <tr key={i}>
              <td>{new Date(r.createdAt).toLocaleTimeString()}</td>
              <td>{r.deviceSerial ?? '—'}</td>
              <td>
                {r.jigId} slot {r.slot}
              </td>
              <td>
                {r.message} <span className="code">{r.code}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
