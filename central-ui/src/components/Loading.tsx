import type { Answer } from '../api/use-answer';

/** The state of an answer that has not arrived or failed. */
export function NotYet<T>({ answer }: { answer: Answer<T> }) {
  if (answer.problem)
    return (
      <p className="problem" role="alert">
        {answer.problem}
      </p>
    );
  return <p className="loading">Loading…</p>;
}

export const when = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '—');
