import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A BullMQ worker's name, which each job it runs keeps as processedBy (shown in Bull Board): which process ran a
 * job, or which processes shared a check.
 */
export const workerName = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
