/**
 * The v2 Bearer tokens the simulator accepts (qianfan-api.md 1C): the configured console-style key
 * (option `bearerToken`) and the IAM bearer tokens minted at `GET /v1/BCE-BEARER/token`, each
 * until its expireTime. Minted tokens look like the real ones (`bce-v3/ALTAK-…/…`) and come from
 * a PRNG seeded by the simulator seed, so a seeded run mints the same tokens.
 */
import { now } from '../util/clock.js';
import { hashString, seededRandom, type Random } from '../util/random.js';

/** The mint response body: `{userId, token, status, createTime, expireTime}`, times ISO-8601 UTC with ms. */
export interface MintedBearerToken {
  userId: string;
  token: string;
  status: 'enable';
  createTime: string;
  expireTime: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export class BearerTokenStore {
  /** Minted token -> monotonic expiry (ms); the wall-clock expireTime is only what the client is told. */
  private readonly minted = new Map<string, number>();
  private readonly random: Random;
  private readonly userId: string;

  constructor(
    private readonly configuredToken: string,
    seed: number,
  ) {
    this.random = seededRandom(hashString('iam-bearer', hashString(String(seed))));
    this.userId = this.pick(HEX, 32);
  }

  mint(expireInSeconds: number, wallClockMs: number = Date.now()): MintedBearerToken {
    const token = `bce-v3/ALTAK-${this.pick(ALPHANUMERIC, 21)}/${this.pick(HEX, 40)}`;
    this.minted.set(token, now() + expireInSeconds * 1000);
    return {
      userId: this.userId,
      token,
      status: 'enable',
      createTime: new Date(wallClockMs).toISOString(),
      expireTime: new Date(wallClockMs + expireInSeconds * 1000).toISOString(),
    };
  }

  accepts(token: string): boolean {
    if (token === this.configuredToken) return true;
    const expiresAt = this.minted.get(token);
    return expiresAt !== undefined && now() < expiresAt;
  }

  /** A BCE-style request id (UUID-shaped) for error bodies. */
  requestId(): string {
    const hex = this.pick(HEX, 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private pick(alphabet: string, length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.random() * alphabet.length)] ?? '';
    return text;
  }
}
