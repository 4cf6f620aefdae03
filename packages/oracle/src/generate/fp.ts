import type { Template } from './template.js';

export const FP_TEMPLATES: Template[] = [];
