export * from './mpu.js';
export * from './systick.js';
export * from './dwt.js';
export * from './core-debug.js';
export * from './cache-id.js';
export * from './nvic-registers.js';
export * from './scb-registers.js';
export * from './scs-device.js';
