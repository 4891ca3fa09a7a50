// The live report (`report --serve`): one aggregation kept in memory and fed by polling
// the LRS for statements stored since the last one seen, so each refresh costs only the new
// statements. A voiding statement for a statement already counted (the LRS will not
// return the target again) spoils its attempt; the live report then reads everything again.
import { createAggregator, type AggregateOptions, type Aggregator } from './aggregate.ts';
import { readStatementsLrs, type LrsSourceOptions } from './source.ts';
import type { Report } from './types.ts';

export interface LiveReportOptions extends AggregateOptions {
  lrs: Omit<LrsSourceOptions, 'activity' | 'since'>;
}

export interface LiveReport {
  /** Reads what was stored since the last call; returns how many statements arrived. */
  refresh(): Promise<number>;
  report(): Report;
}

export async function createLiveReport(o: LiveReportOptions): Promise<LiveReport> {
  let agg: Aggregator;
  let lastStored: string | undefined;
  const read = async (since: string | undefined): Promise<number> => {
    let n = 0;
    for await (const batch of readStatementsLrs({ ...o.lrs, activity: o.course, since: since ?? o.since?.toISOString() })) {
      for (const s of batch) {
        agg.add(s);
        if (typeof s.stored === 'string' && (!lastStored || Date.parse(s.stored) > Date.parse(lastStored))) lastStored = s.stored;
      }
      n += batch.length;
    }
    return n;
  };
  const full = async () => {
    agg = createAggregator(o);
    lastStored = undefined;
    return read(undefined);
  };
  await full();
  return {
    async refresh() {
      const n = await read(lastStored);
      if (agg.spoilt().length) await full();
      return n;
    },
    report: () => agg.finish(),
  };
}
