// Connection ids: "<worker>-<counter>", unique in an instance (cluster worker ids are never reused
// while the primary lives), short, and free: no random bytes or crypto per connection.

import cluster from 'node:cluster';

const worker = cluster.worker?.id ?? 0;
let counter = 0;

export const nextConnId = (): string => `${worker}-${++counter}`;
