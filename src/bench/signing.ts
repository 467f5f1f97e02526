/**
 * Cost of signing one v1 request with IAM (bce-auth-v1) on the hot path: no network, just the
 * canonical request and HMACs. Moved here from a test that asserted a per-call ceiling, which a
 * busy machine could not keep.
 */
import { performance } from 'node:perf_hooks';
import { authorizeV1, type QianfanAuth } from '../providers/qianfan/auth.js';

export async function benchSigning(calls: number): Promise<{ calls: number; perCallUs: number }> {
  const auth: QianfanAuth = { kind: 'iam', accessKey: 'bench-access-key', secretKey: 'bench-secret-key' };
  const url = 'http://127.0.0.1:1/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie_speed';
  await authorizeV1(auth, undefined, 'POST', url);
  const started = performance.now();
  for (let i = 0; i < calls; i++) await authorizeV1(auth, undefined, 'POST', url);
  return { calls, perCallUs: ((performance.now() - started) * 1000) / calls };
}
