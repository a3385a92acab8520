#!/usr/bin/env node
/** Entry point of the `options-engine` binary. */
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));
