#!/usr/bin/env node
// Runs a command and ends it when the parent that started us goes away.
// The parent keeps our stdin open and never writes to it; when the parent exits (even killed),
// the pipe closes, stdin ends, and we stop the child. This way no tool outlives its owner.
'use strict';
const { spawn } = require('node:child_process');

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-parent.js <command> [args...]');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;

function stop(signal) {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  }
}

child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on('error', (err) => {
  console.error(`with-parent.js: cannot start ${command}: ${err.message}`);
  process.exit(127);
});
process.stdin.on('end', () => stop('SIGTERM'));
process.stdin.on('close', () => stop('SIGTERM'));
process.stdin.on('error', () => stop('SIGTERM'));
process.stdin.resume();
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => stop(sig));
