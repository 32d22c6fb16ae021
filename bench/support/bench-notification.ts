/**
 * The load: one Graph-shaped users notification per POST (graph-samples/notification-users-updated.json), with a
 * unique user id per request (autocannon's `[<id>]` replacement), so nothing coalesces or collapses as a
 * duplicate and every acknowledged request must be one stored message: the worst case for the queue, and the one
 * the final count can verify.
 */
export const BENCH_TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
export const BENCH_CLIENT_STATE = 'ra-watch-bench-client-state-0123456789';

export const notificationBodyTemplate = JSON.stringify({
  value: [
    {
      changeType: 'updated',
      clientState: BENCH_CLIENT_STATE,
      resource: 'Users/[<id>]',
      resourceData: {
        '@odata.type': '#Microsoft.Graph.User',
        '@odata.id': 'Users/[<id>]',
        id: '[<id>]',
        organizationId: BENCH_TENANT,
      },
      subscriptionExpirationDateTime: '2025-03-31T09:58:12.417+00:00',
      subscriptionId: '8b2e4c71-0f3a-4d9b-b6e5-2a7c91d0f34e',
      tenantId: BENCH_TENANT,
    },
  ],
});
