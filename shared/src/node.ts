export * from './node/config.js';
export * from './node/reference-data.js';
