/**
 * Faults to inject into the next Graph requests, so clients can be tested against throttling (429 + Retry-After),
 * outages (503/500), slow answers and bodies they cannot parse. Each fault counts down per matching request;
 * `$batch` items are requests too, so a throttled item inside a 200 batch (batch-response.json) is possible.
 */
import { graphError, throttledError } from './graph-error';
import type { SimResponse } from './sim-exchange';

/** A path below /v1.0 (substring, case-insensitive), a RegExp on it, or a predicate. */
export type RouteMatcher = string | RegExp | ((request: FaultTarget) => boolean);

/** What a fault is matched against; `tenantId` lets a scenario confine its faults to its own tenant. */
export interface FaultTarget {
  method: string;
  path: string;
  tenantId: string;
}

interface Armed<T> {
  matches: (request: FaultTarget) => boolean;
  remaining: number;
  value: T;
}

export interface FaultDecision {
  /** Answer with this instead of routing. */
  response: SimResponse | null;
  /** Wait this long before answering. */
  delayMs: number;
  /** Replace a successful body with broken JSON. */
  malformed: boolean;
  /** Route the request (its effect happens), then lose the answer: a 504, or the connection closed without one. */
  loseAnswer: LostAnswer | null;
}

/**
 * How an answer is lost after the request took effect: Graph's gateway answering 504, or the connection dropped.
 * Either way the client cannot know whether, say, its POST /subscriptions created one ("Creating a subscription is
 * not idempotent", Graph webhooks limits: https://learn.microsoft.com/graph/webhooks#subscription-lifetime and
 * https://learn.microsoft.com/graph/throttling-limits; issue 17 item 5).
 */
export type LostAnswer = 'gateway-timeout' | 'drop-connection';

function matcher(route: RouteMatcher | undefined): (request: FaultTarget) => boolean {
  if (route === undefined) return () => true;
  if (typeof route === 'function') return route;
  if (route instanceof RegExp) return (r) => route.test(r.path);
  const needle = route.toLowerCase();
  return (r) => r.path.toLowerCase().includes(needle);
}

export class Faults {
  private throttles: Array<Armed<number>> = [];
  private failures: Array<Armed<{ status: 500 | 503; retryAfterSeconds: number | null }>> = [];
  private slows: Array<Armed<number>> = [];
  private malformeds: Array<Armed<true>> = [];
  private lostAnswers: Array<Armed<LostAnswer>> = [];
  private answers: Array<Armed<SimResponse>> = [];

  /** The next `count` matching requests get 429 with `Retry-After: retryAfterSeconds`. */
  throttleNext(route: RouteMatcher, count: number, retryAfterSeconds: number): void {
    this.throttles.push({ matches: matcher(route), remaining: count, value: retryAfterSeconds });
  }

  /** The next `count` requests (matching `route`, when given) fail with 503 or 500. */
  failNext(
    status: 500 | 503,
    count: number,
    options: { route?: RouteMatcher; retryAfterSeconds?: number } = {},
  ): void {
    this.failures.push({
      matches: matcher(options.route),
      remaining: count,
      value: { status, retryAfterSeconds: options.retryAfterSeconds ?? null },
    });
  }

  /** The next `count` requests answer only after `ms`. */
  slowNext(ms: number, count: number, route?: RouteMatcher): void {
    this.slows.push({ matches: matcher(route), remaining: count, value: ms });
  }

  /** The next `count` successful answers carry a truncated JSON body (still labelled application/json). */
  malformedNext(count: number, route?: RouteMatcher): void {
    this.malformeds.push({ matches: matcher(route), remaining: count, value: true });
  }

  /**
   * The next `count` matching requests get exactly this answer instead of being routed: a Graph error
   * (`graphError(400, ...)`) or an odd body, for the answers real Graph gives that the simulator does not model.
   */
  answerNext(route: RouteMatcher, count: number, response: SimResponse): void {
    this.answers.push({ matches: matcher(route), remaining: count, value: response });
  }

  /** The next `count` matching requests are carried out, then their answer is lost (`how`). */
  loseAnswerNext(route: RouteMatcher, count: number, how: LostAnswer = 'gateway-timeout'): void {
    this.lostAnswers.push({ matches: matcher(route), remaining: count, value: how });
  }

  clear(): void {
    this.throttles = [];
    this.failures = [];
    this.slows = [];
    this.malformeds = [];
    this.lostAnswers = [];
    this.answers = [];
  }

  decide(request: FaultTarget, options: { allowMalformed: boolean }): FaultDecision {
    const delayMs = take(this.slows, request) ?? 0;
    const retryAfter = take(this.throttles, request);
    if (retryAfter !== undefined)
      return { response: throttledError(retryAfter), delayMs, malformed: false, loseAnswer: null };
    const answer = take(this.answers, request);
    if (answer !== undefined) return { response: answer, delayMs, malformed: false, loseAnswer: null };
    const failure = take(this.failures, request);
    if (failure !== undefined) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds === null ? {} : { 'Retry-After': String(failure.retryAfterSeconds) };
      const response =
        failure.status === 503
          ? graphError(503, 'serviceNotAvailable', 'Service Unavailable', headers)
          : graphError(500, 'generalException', 'General exception while processing.', headers);
      return { response, delayMs, malformed: false, loseAnswer: null };
    }
    const loseAnswer = options.allowMalformed ? (take(this.lostAnswers, request) ?? null) : null;
    const malformed = options.allowMalformed && take(this.malformeds, request) !== undefined;
    return { response: null, delayMs, malformed, loseAnswer };
  }
}

function take<T>(list: Array<Armed<T>>, request: FaultTarget): T | undefined {
  const armed = list.find((a) => a.remaining > 0 && a.matches(request));
  if (!armed) return undefined;
  armed.remaining--;
  return armed.value;
}
