/**
 * The environment variables a run reads its credentials (and base URL) from, per provider: the
 * names src/providers/qianfan/credentials.ts and src/run/open-target.ts read. In the manifest each
 * comes from the Secret key of the same name, and each may be absent (one complete pair suffices).
 */
export const CREDENTIAL_ENV = {
  qianfan: ['QIANFAN_AK', 'QIANFAN_SK', 'QIANFAN_ACCESS_KEY', 'QIANFAN_SECRET_KEY', 'QIANFAN_ACCESS_TOKEN', 'QIANFAN_BASE_URL'],
  openai: ['QIANFAN_BEARER_TOKEN', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'],
} as const satisfies Record<string, readonly string[]>;

export type CredentialProvider = keyof typeof CREDENTIAL_ENV;
