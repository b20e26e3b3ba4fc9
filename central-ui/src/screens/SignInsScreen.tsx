import { api, call } from '../api/client';
import { useAnswer } from '../api/use-answer';
import { NotYet, when } from '../components/Loading';
import type { Nav } from '../App';

/** Who signed in to central, who failed, who signed out, who revoked what: the console's own record. */
export function SignInsScreen({ nav }: { nav: Nav }) {
  const list = useAnswer(() => call(api.GET('/api/console/sign-ins')), 'sign-ins', nav.onEnded);
  return (
    <>
      <h1>Sign-ins and actions on central</h1>
      {!list.data ? (
        <NotYet answer={list} />
      ) : (
        <table className="grid">
          <caption className="visually-hidden">Sign-ins and actions, newest first</caption>
          <thead>
            <tr><th scope="col">When</th><th scope="col">User</th><th scope="col">What</th><th scope="col">Outcome</th><th scope="col">From</th><th scope="col">Detail</th></tr>
          </thead>
          <tbody>
            {list.data.map((e) => (
              <tr key={e.id} data-kind={e.kind}>
                <td>{when(e.at)}</td>
                <th scope="row">{e.userName}</th>
                <td>{e.kind}</td>
                <td className={e.outcome === 'ok' ? undefined : 'bad'}>{e.outcome}</td>
                <td>{e.address ?? '—'}</td>
                <td className="detail">{e.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
