/**
 * Why some audit records could not become a license activity. Problems are reported next to the activities, never
 * thrown: one odd record must not hide the others, and the record ids let an admin look the record up.
 */
export interface AuditParseProblem {
  /** The correlation id (or sequence id) the records share, when there is one. */
  correlationId: string | null;
  recordIds: string[];
  kind:
    | 'unreadable-record' // the record does not match the directoryAudit shape
    | 'unparseable-license-value' // AssignedLicense old/new could not be read
    | 'license-detail-missing' // a "Change user license" with no AssignedLicense on it or its "Update user" (yet)
    | 'sequence-incomplete' // some parts of a split record have not arrived
    | 'sequence-unparseable'; // the joined parts of a split record are not a payload we can read
  message: string;
}
