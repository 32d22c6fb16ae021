/**
 * The note a swap finding carries where Graph's cloud offers no directory audit log (21Vianet: the directoryAudit
 * list page's availability table; config/national-clouds.ts `auditLogAvailable`). The verdict then rests on the
 * snapshots alone, and the alert says so (issue 17 item 9).
 */
import type { Finding } from '../glossary';

export function withoutAuditLog(finding: Finding): Finding {
  return {
    ...finding,
    evidence: {
      ...finding.evidence,
      auditLog: {
        available: false,
        note: "This cloud (operated by 21Vianet) offers no directory audit log: the verdict was decided from ra-watch's snapshots alone.",
      },
    },
  };
}
