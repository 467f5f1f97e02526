/**
 * Where v1 credentials come from: the environment variables the official SDK reads. Every value
 * found is registered as a secret so no log line or error can show it.
 *
 * Precedence when several are set (the first complete one wins):
 *   1. QIANFAN_AK + QIANFAN_SK                 -> OAuth access token fetched from the API key pair
 *   2. QIANFAN_ACCESS_KEY + QIANFAN_SECRET_KEY -> IAM: every request signed with bce-auth-v1, no token
 *   3. QIANFAN_ACCESS_TOKEN                    -> an access token used as given
 * Half a pair (QIANFAN_AK without QIANFAN_SK, QIANFAN_ACCESS_KEY without QIANFAN_SECRET_KEY, or the
 * reverse) is ignored when some complete credential is set, and an error otherwise.
 */
import { configError } from '../../errors.js';
import { registerSecret } from '../../util/redact.js';
import type { QianfanAuth } from './auth.js';

export const DEFAULT_V1_BASE_URL = 'https://aip.baidubce.com';

export function qianfanAuthFromEnv(env: NodeJS.ProcessEnv = process.env): QianfanAuth {
  const ak = env.QIANFAN_AK?.trim();
  const sk = env.QIANFAN_SK?.trim();
  const accessKey = env.QIANFAN_ACCESS_KEY?.trim();
  const secretKey = env.QIANFAN_SECRET_KEY?.trim();
  const accessToken = env.QIANFAN_ACCESS_TOKEN?.trim();
  for (const secret of [ak, sk, accessKey, secretKey, accessToken]) registerSecret(secret);
  if (ak && sk) return { kind: 'oauth', credentials: { ak, sk } };
  if (accessKey && secretKey) return { kind: 'iam', accessKey, secretKey };
  if (accessToken) return { kind: 'access-token', accessToken };
  if (ak || sk) throw configError(`QIANFAN_AK and QIANFAN_SK go together; only ${ak ? 'QIANFAN_AK' : 'QIANFAN_SK'} is set`);
  if (accessKey || secretKey) {
    throw configError(`QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY go together; only ${accessKey ? 'QIANFAN_ACCESS_KEY' : 'QIANFAN_SECRET_KEY'} is set`);
  }
  throw configError(
    'no Qianfan credentials: set QIANFAN_AK and QIANFAN_SK (OAuth), or QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY (IAM request signing), or ' +
      'QIANFAN_ACCESS_TOKEN; or use --sim to run against the built-in simulator',
  );
}

/** Which settings to check when the server refuses the credentials of `auth` (names only, never values). */
export function credentialsHint(auth: QianfanAuth | undefined): string {
  switch (auth?.kind) {
    case 'oauth':
      return 'check QIANFAN_AK and QIANFAN_SK';
    case 'iam':
      return 'check QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY (an IAM access key pair, not the API key pair)';
    case 'access-token':
      return 'check QIANFAN_ACCESS_TOKEN (it may have expired)';
    case undefined:
      return "check the simulator's credentials";
  }
}
