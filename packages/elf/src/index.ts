export * from './errors.js';
export * from './header.js';
export * from './symbols.js';
export * from './image.js';
export * from './memory-usage.js';
