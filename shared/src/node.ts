export * from './node/config.js';
export * from './node/reference-data.js';
export * from './node/redis.js';
export * from './node/logger.js';
export * from './node/shutdown.js';
export * from './node/free-port.js';
export * from './node/lua-script.js';
export * from './node/queue-depth.js';
