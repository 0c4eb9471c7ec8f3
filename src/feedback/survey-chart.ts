// The geometry of a results chart: horizontal bars drawn on the server as SVG (views/feedback/results.hbs
// writes the markup from this model, so every text goes through {{ }}). Each bar has its label above it
// and its count at its end, in the SVG's own attributes (no CSS or script needed to read it); the chart
// is an image with a title and a description that says the numbers, and the page has the same numbers
// as a table. Bars are dark blue (#1d4f91, about 8:1 on white) and text near black (#1a1a1a).

export const CHART_WIDTH = 640;
const LABEL_HEIGHT = 18;
const BAR_HEIGHT = 20;
const ROW_GAP = 12;
const TOP = 8;
/** Room at the bar's end for its count. */
const COUNT_ROOM = 56;
/** A label longer than this is cut with "…" in the chart (the table has it whole). */
const LABEL_MAX = 80;

export interface ChartBar {
  label: string;
  count: number;
}

export interface ChartModel {
  /** Ids of the title and description, for aria-labelledby. */
  titleId: string;
  descId: string;
  title: string;
  desc: string;
  width: number;
  height: number;
  bars: {
    label: string;
    count: number;
    labelY: number;
    barY: number;
    barWidth: number;
    barHeight: number;
    countX: number;
    countY: number;
  }[];
}

const cut = (text: string) => (text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1).trimEnd()}…` : text);

/** A bar chart of `bars`, ids made from `idPrefix` (unique on the page). */
export function barChart(idPrefix: string, title: string, desc: string, bars: ChartBar[]): ChartModel {
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  const room = CHART_WIDTH - COUNT_ROOM;
  const rowHeight = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP;
  return {
    titleId: `${idPrefix}-title`,
    descId: `${idPrefix}-desc`,
    title,
    desc,
    width: CHART_WIDTH,
    height: TOP + bars.length * rowHeight,
    bars: bars.map((bar, i) => {
      const top = TOP + i * rowHeight;
      // A bar of a count above zero is at least 2 px, so it shows.
      const barWidth = bar.count === 0 ? 0 : Math.max(2, Math.round((bar.count / max) * room));
      return {
        label: cut(bar.label),
        count: bar.count,
        labelY: top + LABEL_HEIGHT - 4,
        barY: top + LABEL_HEIGHT,
        barWidth,
        barHeight: BAR_HEIGHT,
        countX: barWidth + 6,
        countY: top + LABEL_HEIGHT + BAR_HEIGHT - 5,
      };
    }),
  };
}
