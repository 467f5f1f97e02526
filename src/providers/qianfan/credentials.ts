/**
 * Where v1 credentials come from: the environment variables the official SDK reads. Every value
 * found is registered as a secret so no log line or error can show it.
 */
import { configError } from '../../errors.js';
import { registerSecret } from '../../util/redact.js';
import type { QianfanAuth } from './provider.js';

export const DEFAULT_V1_BASE_URL = 'https://aip.baidubce.com';

export function qianfanAuthFromEnv(env: NodeJS.ProcessEnv = process.env): QianfanAuth {
  const ak = env.QIANFAN_AK?.trim();
  const sk = env.QIANFAN_SK?.trim();
  const accessToken = env.QIANFAN_ACCESS_TOKEN?.trim();
  for (const secret of [ak, sk, accessToken]) registerSecret(secret);
  if (ak && sk) return { kind: 'oauth', credentials: { ak, sk } };
  if (accessToken) return { kind: 'access-token', accessToken };
  if (ak || sk) throw configError(`QIANFAN_AK and QIANFAN_SK go together; only ${ak ? 'QIANFAN_AK' : 'QIANFAN_SK'} is set`);
  throw configError('no Qianfan credentials: set QIANFAN_AK and QIANFAN_SK (or QIANFAN_ACCESS_TOKEN), or use --sim to run against the built-in simulator');
}
