/**
 * `POST /$batch` (JSON batching, batch-request.json / batch-response.json): up to 20 requests with relative URLs,
 * each routed internally exactly as if it had come on its own (auth of the outer request, faults per item), answered
 * in one 200 with a status, headers and body per item. A throttled item carries its own Retry-After.
 */
import { batchRequestSchema } from '../../wire-schemas';
import { badRequest } from '../graph-error';
import { jsonResponse, type SimRequest, type SimResponse } from '../sim-exchange';

export type InnerDispatch = (request: SimRequest) => Promise<SimResponse>;

const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export async function handleBatch(req: SimRequest, dispatch: InnerDispatch): Promise<SimResponse> {
  const count = (req.body as { requests?: unknown[] } | undefined)?.requests?.length ?? 0;
  if (count > 20)
    return badRequest('Too many requests in batch. A batch can hold at most 20 requests.', 'BadRequest');
  const parsed = batchRequestSchema.safeParse(req.body);
  if (!parsed.success) {
    return badRequest(
      `Invalid batch payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}.`,
      'BadRequest',
    );
  }
  const ids = parsed.data.requests.map((r) => r.id);
  if (new Set(ids).size !== ids.length)
    return badRequest('Batch request contains duplicate request ids.', 'BadRequest');

  const responses = await Promise.all(
    parsed.data.requests.map(async (item) => {
      if (/^https?:/i.test(item.url)) {
        return {
          id: item.id,
          ...inner(
            badRequest('Batch request URLs must be relative (for example /users/{id}).', 'BadRequest'),
          ),
        };
      }
      const url = new URL(`http://batch/v1.0/${item.url.replace(/^\/+/, '')}`);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(item.headers ?? {})) headers[k.toLowerCase()] = v;
      const response = await dispatch({
        method: item.method.toUpperCase(),
        path: url.pathname.replace(/^\/v1\.0/, ''),
        query: url.searchParams,
        body: item.body,
        tenantId: req.tenantId,
        headers,
      });
      return { id: item.id, ...inner(response) };
    }),
  );
  return jsonResponse(200, { responses });
}

function inner(response: SimResponse): { status: number; headers: Record<string, string>; body?: unknown } {
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache', ...response.headers };
  if (response.status < 300 && response.body !== undefined) {
    headers['OData-Version'] = '4.0';
    headers['Content-Type'] = ODATA_JSON;
  }
  return response.body === undefined
    ? { status: response.status, headers }
    : { status: response.status, headers, body: response.body };
}
