import { describe, expect, it } from 'vitest';
import { judgeResponse, type ResponseExpectation } from '../../src/grading/api-response.js';

const nothing: ResponseExpectation = { bodyContains: [], bodyExcludes: [], fields: [] };
const status = (code: number, reason: string, message: string) => JSON.stringify({ kind: 'Status', status: 'Failure', code, reason, message });
const answer = (code: number, body: string, warnings: string[] = []) => ({ status: code, body, warnings });
const request = 'PATCH Deployment shop/web (server-side dry run)';

describe('judging an API answer', () => {
  it('passes a refusal by admission and names the refuser', () => {
    const body = status(403, 'Forbidden', `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'images' with binding 'images' denied request: public image`);
    const verdict = judgeResponse(request, answer(403, body), { ...nothing, admission: 'refused' }, true);
    expect(verdict.status).toBe('pass');
    expect(verdict.message).toContain('refused by ValidatingAdmissionPolicy images (binding images): public image');
  });

  it('fails an admitted write, and says when the policy only warned', () => {
    const verdict = judgeResponse(request, answer(200, '{"kind":"Deployment"}', ['SEC-1: public image']), { ...nothing, admission: 'refused' }, true);
    expect(verdict).toMatchObject({ status: 'fail', message: expect.stringContaining('with a warning only: SEC-1: public image') });
  });

  it('is an error, never a pass, when RBAC refused the lab or the request was invalid', () => {
    const rbac = status(403, 'Forbidden', 'pods "p" is forbidden: User "lab" cannot patch resource "pods" in API group "" in the namespace "shop"');
    expect(judgeResponse(request, answer(403, rbac), { ...nothing, admission: 'refused' }, true)).toMatchObject({ status: 'error', message: expect.stringContaining("the lab's own request") });
    const invalid = status(422, 'Invalid', 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value');
    expect(judgeResponse(request, answer(422, invalid), { ...nothing, admission: 'refused' }, true).status).toBe('error');
  });

  it('is an error when the lab may not impersonate the subject, even for a check that expects 403', () => {
    const refused = status(403, 'Forbidden', 'users "system:anonymous" is forbidden: User "tester" cannot impersonate resource "users" in API group "" at the cluster scope');
    expect(judgeResponse('GET /api/v1/secrets as user system:anonymous', answer(403, refused), { ...nothing, status: [401, 403] }, false).status).toBe('error');
    // Constrained impersonation (Kubernetes 1.35+) names the verb it was refused for the impersonated request.
    const constrained = status(403, 'Forbidden', 'secrets is forbidden: User "tester" cannot impersonate-on:user-info:list resource "secrets" in API group "" in the namespace "shop"');
    expect(judgeResponse('GET /api/v1/namespaces/shop/secrets as user system:anonymous', answer(403, constrained), { ...nothing, status: [403] }, false).status).toBe('error');
  });

  it('fails an admission refusal when the check wants the request admitted', () => {
    const body = status(403, 'Forbidden', 'pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
    expect(judgeResponse('POST Pod shop/p', answer(403, body), { ...nothing, admission: 'admitted' }, true)).toMatchObject({ status: 'fail', message: expect.stringContaining('ResourceQuota q') });
  });

  it('judges the status, the body text and fields of the JSON body', () => {
    const body = JSON.stringify({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'system:anonymous', groups: ['system:unauthenticated'] } } });
    expect(judgeResponse('GET /api', answer(401, '{}'), { ...nothing, status: [401, 403] }, false).status).toBe('pass');
    expect(judgeResponse('GET /api', answer(200, '{}'), { ...nothing, status: [401, 403] }, false)).toMatchObject({ status: 'fail', message: expect.stringContaining('expected status 401 or 403') });
    expect(judgeResponse('GET /x', answer(200, body), { ...nothing, bodyExcludes: ['system:anonymous'] }, false).status).toBe('fail');
    expect(judgeResponse('GET /x', answer(200, body), { ...nothing, bodyContains: ['anonymous'] }, false).status).toBe('pass');
    const groups = { ...nothing, fields: [{ path: 'status.userInfo.groups', op: 'notContains' as const, value: 'system:unauthenticated' }] };
    expect(judgeResponse('POST selfsubjectreviews', answer(201, body), groups, false)).toMatchObject({ status: 'fail', message: expect.stringContaining('status.userInfo.groups') });
  });

  it('is an error on a server failure the check does not ask for, and on fields of a body that is not JSON', () => {
    expect(judgeResponse('GET /x', answer(503, 'unavailable'), { ...nothing, status: [200] }, true).status).toBe('error');
    expect(judgeResponse('GET /healthz', answer(503, 'unavailable'), { ...nothing, status: [503] }, true).status).toBe('pass');
    expect(judgeResponse('GET /x', answer(200, 'ok'), { ...nothing, fields: [{ path: 'a', op: 'exists' }] }, true).status).toBe('error');
  });
});
