import type { Command } from 'commander';
import { toJson } from '../common/json.js';
import { isUnmeasured } from '../findings/measured.js';
import { FINDING_TYPES, FindingStatus } from '../findings/schema.js';
import { FindingStore } from '../findings/store.js';
import { renderFindingDetail, renderFindingsTable } from '../render/findings.js';
import { existingStoreDir, STORE } from './common-options.js';
import { defaultFormat } from './discover.js';
import type { CliIo } from './io.js';
import { boolean, choice, envOption, negatedOption, type OptionSpec, resolve } from './options.js';
import { storeOptions } from './store-options.js';
import { terminalOptions } from './terminal.js';

export const JSON_OUTPUT: OptionSpec<boolean> = {
  flags: '--json',
  description: 'print JSON instead of a table',
  env: 'AFTERBURN_JSON',
  parse: boolean,
};

/** Like discover's --format: people get the table on a terminal, a pipe gets JSON; --json/--no-json decide. */
const FINDINGS_JSON: OptionSpec<boolean> = {
  ...JSON_OUTPUT,
  description: 'print JSON (every field) instead of the human view',
  defaultDescription: 'off on a terminal, on when stdout is not one',
};

/**
 * Findings that measured nothing yet (a rate whose window is not full, percentiles over too few
 * values) are no candidates: the table leaves them out and says how many. JSON keeps listing
 * them (data.value / p50 null, confidence 0), as it did, so scripts see every stored finding.
 */
const UNMEASURED: OptionSpec<boolean> = {
  flags: '--unmeasured',
  description:
    'also list findings that measured nothing yet (a rate whose window is not full, too few values)',
  env: 'AFTERBURN_UNMEASURED',
  parse: boolean,
  defaultDescription: 'off in the table, on with JSON',
};

const TYPE_FILTER: OptionSpec<string> = {
  flags: '--type <type>',
  description: `only findings of this type: ${FINDING_TYPES.join('|')}`,
  env: 'AFTERBURN_TYPE',
  parse: choice(FINDING_TYPES),
};
const STATUS_FILTER: OptionSpec<string> = {
  flags: '--status <status>',
  description: `only findings with this status: ${FindingStatus.options.join('|')}`,
  env: 'AFTERBURN_STATUS',
  parse: choice(FindingStatus.options),
};

/** These commands only read or review a store: one that is not there is an error, not "no findings". */
function openStore(io: CliIo, flag: string | undefined): FindingStore {
  return new FindingStore(existingStoreDir(flag, io), storeOptions(io));
}

function jsonWanted(io: CliIo, flag: boolean | undefined): boolean {
  return resolve(FINDINGS_JSON, flag, io.env, defaultFormat(io) === 'json');
}

export function registerFindings(program: Command, io: CliIo): void {
  const findings = program.command('findings').description('list, show and verify stored findings');

  findings
    .command('list')
    .description('list stored findings (filter by --type and --status)')
    .addOption(envOption(TYPE_FILTER))
    .addOption(envOption(STATUS_FILTER))
    .addOption(envOption(FINDINGS_JSON))
    .addOption(negatedOption(FINDINGS_JSON))
    .addOption(envOption(UNMEASURED))
    .addOption(negatedOption(UNMEASURED))
    .addOption(envOption(STORE))
    .action(
      async (flags: {
        type?: string;
        status?: string;
        json?: boolean;
        unmeasured?: boolean;
        store?: string;
      }) => {
        const type = resolve<string | undefined>(TYPE_FILTER, flags.type, io.env, undefined);
        const status = resolve<string | undefined>(STATUS_FILTER, flags.status, io.env, undefined);
        const json = jsonWanted(io, flags.json);
        const unmeasured = resolve(UNMEASURED, flags.unmeasured, io.env, json);
        const all = await openStore(io, flags.store).list();
        const matching = all.filter(
          (f) => (type === undefined || f.type === type) && (status === undefined || f.status === status),
        );
        const selected = unmeasured ? matching : matching.filter((f) => !isUnmeasured(f));
        const hidden = matching.length - selected.length;
        io.stdout.write(
          json
            ? `${toJson(selected, 2)}\n`
            : renderFindingsTable(selected, terminalOptions(io), all, { hiddenUnmeasured: hidden }),
        );
      },
    );

  findings
    .command('show')
    .description('show one finding (an unambiguous id prefix of 4+ characters is enough)')
    .argument('<id>', 'finding id')
    .addOption(envOption(FINDINGS_JSON))
    .addOption(negatedOption(FINDINGS_JSON))
    .addOption(envOption(STORE))
    .action(async (id: string, flags: { json?: boolean; store?: string }) => {
      const finding = await openStore(io, flags.store).get(id);
      io.stdout.write(jsonWanted(io, flags.json) ? `${toJson(finding, 2)}\n` : renderFindingDetail(finding));
    });

  findings
    .command('verify')
    .description('mark a finding verified (or rejected with --reject); the status is kept across runs')
    .argument('<id>', 'finding id')
    // No variable for --reject: an AFTERBURN_REJECT left in an environment would silently turn
    // every verify into a reject.
    .option('--reject', 'mark it rejected instead')
    .option('--no-reject', 'mark it verified (the default; turns an earlier --reject off)')
    .option('--note <text>', 'why, kept with the finding')
    .addOption(envOption(STORE))
    .action(async (id: string, flags: { reject?: boolean; note?: string; store?: string }) => {
      const status = flags.reject ? 'rejected' : 'verified';
      const finding = await openStore(io, flags.store).setStatus(id, status, flags.note ?? null);
      io.stdout.write(`${finding.id}: ${status}\n`);
    });
}
