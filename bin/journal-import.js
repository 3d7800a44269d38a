#!/usr/bin/env node
// Entry point of the `journal-import` command line: runs the TypeScript sources through tsx.
require('tsx/cjs');
require('../src/cli.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
