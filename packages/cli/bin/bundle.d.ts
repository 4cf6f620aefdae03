/** Types of bundle.js (the CLI's bundle of the sources). */
export declare const bundlePath: string;
export declare function newestInput(): number;
export declare function bundleIsStale(): boolean;
export declare function buildBundle(): Promise<void>;
export declare function loadBundle(): Promise<typeof import('../src/bundle-entry.js') | null>;
