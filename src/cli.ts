#!/usr/bin/env node
import { exitQuietlyWhenReaderLeaves, processIO, wantsColor } from './commands/io.js';
import { runCli } from './program.js';

exitQuietlyWhenReaderLeaves(process.stdout);
exitQuietlyWhenReaderLeaves(process.stderr);
const argv = process.argv.slice(2);
const io = processIO({ color: wantsColor(argv, process.env, Boolean(process.stdout.isTTY)) });
process.exitCode = await runCli(argv, io);
