export * from './app-types.js';
