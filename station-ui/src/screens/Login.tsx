import { LoginScreen, type SignInResult } from '../../../ui-common/LoginScreen';
import { api, errorText, type Principal } from '../api/client';

async function signIn(name: string, password: string): Promise<SignInResult<Principal>> {
  const { data, error, response } = await api.POST('/api/auth/login', { body: { name, password } });
  return data ? { principal: data } : { problem: errorText(error, response) };
}

export function Login({ onSignedIn }: { onSignedIn: (p: Principal) => void }) {
  return <LoginScreen title="Provisioning station" signIn={signIn} onSignedIn={onSignedIn} />;
}
