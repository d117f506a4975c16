// The floor the bench compares `discover` against: stream the file, split lines with split2 and
// JSON.parse each one, nothing else. Prints the number of lines parsed.
import { createReadStream } from 'node:fs';
import split2 from 'split2';

let lines = 0;
let invalid = 0;
createReadStream(process.argv[2])
  .pipe(split2())
  .on('data', (line) => {
    try {
      JSON.parse(line);
      lines += 1;
    } catch {
      invalid += 1;
    }
  })
  .on('end', () => process.stdout.write(`${lines} ${invalid}\n`));
