import { Queue } from 'bullmq';
import { NOTIFICATIONS_QUEUE, type RedisKeys } from '@pb/shared';

/**
 * The notifications queue as the server sees it (to queue tests and report its depth),
 * on the same connection as the updates queue: BullMQ shares a connection it is given
 * and leaves closing it to its owner.
 */
export function notificationQueueBeside(updates: Queue, keys: RedisKeys): Queue {
  return new Queue(NOTIFICATIONS_QUEUE, { connection: updates.opts.connection, prefix: keys.bullPrefix });
}
