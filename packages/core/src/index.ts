export * from './bus.js';
export * from './clock.js';
export * from './state.js';
export * from './insn-class.js';
export * from './cycle-model.js';
export * from './mmio.js';
export * from './exception-host.js';
