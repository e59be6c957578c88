import { describeRefuser, isAuthorizationRefusal, parseRefusal, type Refusal } from '../engines/admission/refusal.js';
import { parseStatus } from '../kube/errors.js';
import type { RawResponse } from '../kube/client.js';
import { checkExpectation } from './field-paths.js';
import type { ExpectationSpec } from './fields.js';
import { error, fail, pass, type Verdict } from './types.js';

/** What an api-request check expects of the answer. Every given part must hold. */
export interface ResponseExpectation {
  /** HTTP status codes, any of which is right. */
  status?: number[];
  /** `refused`: by admission (Pod Security, a policy, a webhook, a quota, a LimitRange); `admitted`: a 2xx answer. */
  admission?: 'refused' | 'admitted';
  bodyContains: string[];
  bodyExcludes: string[];
  /** Expectations on the JSON body (the object returned, or the Status). */
  fields: ExpectationSpec[];
}

/**
 * Judges one answer of the API server. Pure. Fail closed: a 5xx the check
 * does not ask for, a refusal by RBAC of the lab's own request when the
 * check asks about admission, or a request the server could not parse
 * never pass; they are `error` (the check could not observe what it asks).
 * `request` names the request in messages ("PATCH deployments x (dry run) as user y").
 */
export function judgeResponse(request: string, response: RawResponse, expect: ResponseExpectation, actingAsLab: boolean): Verdict {
  const status = parseStatus(response.body);
  const refusal = response.status >= 400 ? parseRefusal(status.message ?? '') : undefined;
  // A refusal by admission is told by who refused; any other answer by its status and message.
  const answer = refusal
    ? `${response.status}, refused by ${describeRefuser(refusal.refuser)}: ${refusal.detail}`
    : `${response.status}${status.reason ? ` ${status.reason}` : ''}${status.message ? `: ${status.message}` : ''}`;
  const evidence = (observed: string, expected: string) => ({ object: request, observed, expected });
  if (response.status >= 500 && !expect.status?.includes(response.status)) return error(`${request}: the API server failed (${answer})`);
  // Refused impersonation is an answer about the lab, not about the subject: a check expecting 403 must not pass on it.
  if (!actingAsLab && response.status === 403 && /\bcannot impersonate\S*\s+resource\b/.test(status.message ?? '')) {
    return error(`${request}: the lab may not impersonate that subject, so the request was never judged as it (${answer})`);
  }

  if (expect.status && !expect.status.includes(response.status)) {
    return fail(`${request} is answered ${answer}; expected status ${expect.status.join(' or ')}`, evidence(String(response.status), expect.status.join(' or ')));
  }
  if (expect.admission) {
    const verdict = judgeAdmission(request, response, refusal, status.message ?? '', answer, expect.admission, actingAsLab);
    if (verdict) return verdict;
  }
  for (const wanted of expect.bodyContains) {
    if (!response.body.includes(wanted)) return fail(`${request} is answered ${answer}, without "${wanted}"`, evidence(answer, `the answer contains "${wanted}"`));
  }
  for (const unwanted of expect.bodyExcludes) {
    if (response.body.includes(unwanted)) return fail(`${request} is answered with "${unwanted}" (${answer})`, evidence(answer, `the answer does not contain "${unwanted}"`));
  }
  if (expect.fields.length > 0) {
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return error(`${request} is answered ${response.status} with a body that is not JSON, so its fields cannot be judged`);
    }
    for (const expectation of expect.fields) {
      const outcome = checkExpectation(body, expectation);
      if (!outcome.ok) return fail(`${request}: the answer's ${outcome.path} is ${outcome.observed}, expected ${outcome.expected}`, { object: request, path: outcome.path, observed: outcome.observed, expected: outcome.expected });
    }
  }
  return pass(`${request} is answered ${answer}`, evidence(answer, describeExpectation(expect)));
}

/** A failure or error when admission's verdict is not the wanted one; undefined when it is. */
function judgeAdmission(request: string, response: RawResponse, refusal: Refusal | undefined, message: string, answer: string, wanted: 'refused' | 'admitted', actingAsLab: boolean): Verdict | undefined {
  const ok = response.status >= 200 && response.status < 300;
  if (refusal) {
    const by = describeRefuser(refusal.refuser);
    if (wanted === 'refused') return undefined;
    return fail(`${request} is refused by ${by}: ${refusal.detail}`, { object: request, observed: `refused by ${by}`, expected: 'admitted' });
  }
  if (ok) {
    if (wanted === 'admitted') return undefined;
    const warned = response.warnings.length > 0 ? ` (with a warning only: ${response.warnings.join('; ')})` : '';
    return fail(`the API server admits ${request}${warned}: nothing stops it`, { object: request, observed: `admitted (${response.status})`, expected: 'refused by admission' });
  }
  if (isAuthorizationRefusal(message)) {
    const whose = actingAsLab ? "the lab's own request" : 'the request';
    return error(`${request}: RBAC refused ${whose}, so admission was never asked (${answer})`);
  }
  return error(`${request} is refused, but not by admission, so admission was never asked (${answer})`);
}

function describeExpectation(expect: ResponseExpectation): string {
  const parts = [
    ...(expect.status ? [`status ${expect.status.join(' or ')}`] : []),
    ...(expect.admission ? [expect.admission === 'refused' ? 'refused by admission' : 'admitted'] : []),
    ...expect.bodyContains.map((text) => `contains "${text}"`),
    ...expect.bodyExcludes.map((text) => `does not contain "${text}"`),
    ...expect.fields.map((field) => field.description ?? `${field.path} ${field.op}`),
  ];
  return parts.join(', ');
}
