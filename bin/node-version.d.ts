// Types for bin/node-version.js (the launcher stays plain JavaScript, run without a build).
export declare const MINIMUM_NODE_MAJOR: number;
export declare const RECOMMENDED_NODE_MAJOR: number;
export declare function nodeVersionNotice(version: string): { fatal: boolean; message: string } | undefined;
export declare function warnAboutNode(version: string, stderr: { write(text: string): unknown }): boolean;
