/**
 * The scaffold every API handler runs on (v1 and v2 chat, v1 and v2 embeddings), so the four do
 * the same things in the same order: count the request on arrival and in flight until its response
 * closes, draw its random stream and id, read its body, refuse in the protocol's shape, apply the
 * faults that act instead of an answer, and deliver the answer with whatever is still pending
 * cancelled when the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Random } from '../util/random.js';
import { deliverAnswer, sendJson, type AnswerAccounting, type AnswerFraming, type AnswerPlan } from './answer.js';
import { composeAnswer } from './compose-answer.js';
import type { SimContext, RandomStream } from './context.js';
import type { Cancel } from './deadlines.js';
import { rollFault, type Directive } from './faults.js';
import type { FaultKind, ResolvedSimOptions } from './options.js';
import { responseId, V1_JSON_HEADERS, type V1Error } from './responses.js';
import type { ChatInput } from './validation.js';
import type { V2Error } from './v2-responses.js';

/** The request body, or undefined when the client went away before sending all of it. */
export function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

/** The request's fault: its directive's if it names one, else the dice's (rolled either way, so the stream advances alike). */
export function decideFault(random: Random, options: ResolvedSimOptions, directive: Directive | undefined): FaultKind | undefined {
  const rolled = rollFault(random, options.faults);
  return directive?.kind === 'fault' ? directive.fault : rolled;
}

/** What each protocol answers for the faults that replace the answer (faults.ts). */
export interface EarlyFaultAnswers {
  internal(): void;
  busy(): void;
}

export class Exchange {
  readonly random: Random;
  readonly id: string;
  private cancelPending: Cancel = () => {};

  constructor(
    readonly ctx: SimContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly arrival: number,
    stream: RandomStream,
  ) {
    const { stats } = ctx;
    if (stream === 'chat') stats.chatRequests++;
    else stats.embeddingRequests++;
    stats.inFlight++;
    res.once('close', () => {
      stats.inFlight--;
      this.cancelPending();
    });
    this.random = ctx.nextRequestRandom(stream);
    this.id = responseId(this.random);
  }

  /** The whole body, or undefined when there is no one left to answer. */
  async body(): Promise<string | undefined> {
    const raw = await readBody(this.req);
    return raw === undefined || this.res.destroyed ? undefined : raw;
  }

  /** A v1 refusal: `{error_code, error_msg, id}`, HTTP 200 unless `status` says otherwise. */
  refuseV1(error: V1Error, headers: Record<string, string>, status = 200): void {
    if (error.error_code === 336501 || error.error_code === 336502) this.ctx.stats.throttled++;
    sendJson(this.res, { ...error, id: this.id }, { ...V1_JSON_HEADERS, ...headers }, status);
  }

  /** A v2 refusal: `{error: {…}, id}` with its HTTP status; a 429 always carries Retry-After. */
  refuseV2(error: V2Error, headers: Record<string, string>): void {
    if (error.status === 429) this.ctx.stats.throttled++;
    const sent = error.status === 429 && headers['Retry-After'] === undefined ? { ...headers, 'Retry-After': '1' } : headers;
    sendJson(this.res, { ...error.body, id: this.id }, sent, error.status);
  }

  /** Applies a fault that acts instead of the answer; true when it did (the exchange is then over). */
  earlyFault(fault: FaultKind | undefined, answers: EarlyFaultAnswers): boolean {
    if (fault === 'http500') answers.internal();
    else if (fault === 'busy' || fault === 'jsonInsteadOfStream') answers.busy();
    else if (fault === 'resetBeforeHeaders') this.req.socket.destroy();
    else return false;
    return true;
  }

  /**
   * The answer to a validated chat request and its schedule, the same for v1 and v2: keyed by the
   * v1 endpoint (`chat/ernie_speed`), slowed by what is in flight now.
   */
  composeChat(
    endpointKey: string,
    input: ChatInput,
    defaultMaxOutputTokens: number,
    fault: FaultKind | undefined,
    headers: () => Record<string, string>,
  ): Omit<AnswerPlan, 'meta'> {
    const { options, stats } = this.ctx;
    const { answer, offsets, oneTokenMs } = composeAnswer(options, this.random, stats.inFlight, endpointKey, input, defaultMaxOutputTokens);
    return { answer, promptTokens: input.promptTokens, arrival: this.arrival, offsets, oneTokenMs, fault, stallMs: options.stallMs, headers };
  }

  /** Streams or sends the composed answer on its schedule, counting it as it completes. */
  deliver(plan: Omit<AnswerPlan, 'meta'>, framing: AnswerFraming, stream: boolean, quota: AnswerAccounting['quota']): void {
    if (this.res.destroyed) return;
    this.cancelPending = deliverAnswer(this.res, plan, framing, this.ctx.timers, stream, {
      arrival: this.arrival,
      promptTokens: plan.promptTokens,
      quota,
      stats: this.ctx.stats,
      recordFirstChunk: (delayMs, plannedMs) => this.ctx.recordFirstChunk(delayMs, plannedMs),
    });
  }

  /** Runs `send` `delayMs` after arrival unless the client has gone by then. */
  answerLater(delayMs: number, send: () => void): void {
    const { res } = this;
    this.cancelPending = this.ctx.timers.at(this.arrival + delayMs, () => {
      if (res.destroyed) return;
      send();
    });
  }
}
