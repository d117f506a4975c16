import type { FindingDraft, FindingType } from '../findings/schema.js';
import type { Hysteresis } from '../stats/rolling.js';

/** Overrides of the health rates' windows and thresholds, by metric name (config file and flags). */
export interface HealthSettings {
  readonly windows: ReadonlyMap<string, number>;
  readonly thresholds: ReadonlyMap<string, Hysteresis>;
}

export interface AnalysisOptions {
  /** One-sided significance level of the trend test. */
  readonly alpha: number;
  /**
   * A PASS needs the Theil–Sen line to fall by at least this share of its level at the start over
   * the observed span (0.05 = 5%); a significant but smaller fall is inconclusive. Absent: 0.
   */
  readonly minEffect?: number;
  /** Fewer points than this give an inconclusive verdict. */
  readonly minSamples: number;
  /** Only tasks whose acceptance command passed count as completed. */
  readonly requireAcceptance: boolean;
  /** Window and threshold overrides for the rolling health rates; absent means the defaults. */
  readonly health?: HealthSettings;
}

/** What an analyzer may know about its run; it never reads files, env vars or the clock itself. */
export interface AnalyzerContext {
  readonly source: string;
  /** Input names as given, for verification commands. */
  readonly inputs: readonly string[];
  readonly options: AnalysisOptions;
}

/**
 * An analyzer is like a lint rule: metadata plus a pure function from a dataset of common records
 * to findings. `D` names only the records it reads (e.g. `{ tasks }`), so any source whose dataset
 * has them can list it. Adding one is adding a file and a line in the source's analyzer list.
 */
export interface Analyzer<D> {
  readonly meta: {
    readonly id: string;
    /** The `type` of the findings it produces. */
    readonly findingType: FindingType;
    readonly description: string;
    /** The question it answers, shown in `afterburn sources` and the README. */
    readonly question: string;
  };
  analyze(dataset: D, context: AnalyzerContext): FindingDraft[];
}
