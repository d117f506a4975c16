import type { Command } from 'commander';
import { toJson } from '../common/json.js';
import { jsonSchemas } from '../findings/schema.js';
import type { CliIo } from './io.js';

export function registerSchema(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description('print the JSON Schema of the run report and of a finding')
    .action(() => {
      io.stdout.write(`${toJson(jsonSchemas(), 2)}\n`);
    });
}
