-- Fewer index writes per queued message: every send inserts a row into queue_messages, and on SQLite each index whose
-- key is random (a GUID) costs the insert a page write of its own, the largest part of ingest's durable write
-- (bench/ingest.ts: ingest went from 0.41 to 0.51 x a bare HTTP server).
--
-- Duplicates are found per ordering key, (ordering_key, message_id) on queue_messages_key, which every send already
-- reads for coalescing; every sender derives a message's id and its ordering key from the same subject, so the answer
-- is the same (src/queue/queue.ts). The message_id index goes.
DROP INDEX IF EXISTS queue_messages_message_id;

-- Lease tokens are unique among leased rows; a waiting row has none. A partial index skips the NULLs, so a new row
-- does not touch it; the settle statements (lease_token = ?) imply NOT NULL and still use it.
DROP INDEX IF EXISTS queue_messages_lease_token;
CREATE UNIQUE INDEX queue_messages_lease_token ON queue_messages (lease_token) WHERE lease_token IS NOT NULL;
