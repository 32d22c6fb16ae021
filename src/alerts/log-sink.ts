/**
 * The log sink: one structured JSON line per alert message, always on, so an install with no Slack, Teams or SMTP
 * still shows every alert (and `docker logs` is enough to see what ra-watch found).
 */
import type { Logger } from '../logger';
import type { AlertDigest, AlertMessage } from './alert-message';
import type { AlertSink } from './alert-sink';

export function createLogSink(logger: Logger): AlertSink {
  const log = logger.child({ component: 'alerts', sink: 'log' });
  return {
    name: 'log',
    send(message: AlertMessage | AlertDigest, idempotencyKey: string): Promise<void> {
      if (message.type === 'digest') {
        log.info({ event: `alert.${message.kind}`, idempotencyKey, digest: message }, message.title);
      } else {
        const level = message.kind === 'opened' && message.severity === 'critical' ? 'warn' : 'info';
        log[level](
          {
            event: `alert.${message.kind}`,
            idempotencyKey,
            alertId: message.alertId,
            tenantId: message.tenantId,
            ...(message.tenantLabel === undefined ? {} : { tenant: message.tenantLabel }),
            ruleId: message.ruleId,
            severity: message.severity,
            subject: message.subjectLabel,
            account: message.account,
            facts: message.facts,
            activities: message.activities,
            whyItMatters: message.whyItMatters,
            remediation: message.remediation,
            link: message.link,
          },
          `${message.kind === 'resolved' ? 'Resolved' : message.severity}: ${message.title}`,
        );
      }
      return Promise.resolve();
    },
  };
}
