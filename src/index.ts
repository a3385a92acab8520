/** options-engine as a library: the quant core, configuration and the scan pipeline. */

export { loadConfig } from './config/loadConfig.js';
export type { Settings } from './config/schema.js';
export * as quant from './quant/index.js';
export { runScan, type ScanDeps, type ScanRequest } from './scan/runScan.js';
export type { RankedTrade, ScanResult } from './scan/types.js';
