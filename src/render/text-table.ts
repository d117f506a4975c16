/**
 * Fixed-width text tables for terminals. Columns are sized to their content; when the table is
 * wider than the terminal, the flexible column (the last one by default) is truncated with an
 * ellipsis, so a row never wraps.
 */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** The column that gives up width when the table does not fit. */
  readonly flexible?: boolean;
}

const GAP = '  ';

export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return width === 1 ? '…' : `${chars.slice(0, width - 1).join('')}…`;
}

function visibleLength(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Renders rows of plain cells; `style` may decorate a cell after it was padded (colour). */
export function renderTextTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  options: {
    width: number;
    indent?: string;
    style?: (row: number, column: number, padded: string) => string;
  },
): string[] {
  const indent = options.indent ?? '';
  const widths = columns.map((column, i) =>
    Math.max(visibleLength(column.header), ...rows.map((row) => visibleLength(row[i] ?? ''))),
  );
  const total = indent.length + widths.reduce((sum, w) => sum + w, 0) + GAP.length * (columns.length - 1);
  if (total > options.width) {
    const flexible = Math.max(
      0,
      columns.findIndex((column) => column.flexible),
    );
    const index = columns.some((column) => column.flexible) ? flexible : columns.length - 1;
    widths[index] = Math.max(8, (widths[index] as number) - (total - options.width));
  }
  const line = (cells: readonly string[], row: number): string =>
    indent +
    columns
      .map((column, i) => {
        const padded = pad(
          truncate(cells[i] ?? '', widths[i] as number),
          widths[i] as number,
          column.align ?? 'left',
        );
        return options.style && row >= 0 ? options.style(row, i, padded) : padded;
      })
      .join(GAP)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      -1,
    ),
    ...rows.map((row, i) => line(row, i)),
  ];
}
