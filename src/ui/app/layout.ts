/** Below this many columns the picker is "narrow": no details pane, summaries cut, paths on their own lines. */
export const NARROW = 60;
/** From this many columns the details pane sits beside the list instead of below it. */
export const WIDE = 100;
/** Rows needed to show the details pane below the list (between NARROW and WIDE). */
export const DETAILS_BELOW_MIN_ROWS = 30;
/** The live part of the build view (open steps, warnings, log tail, meter) fits in this many rows with the full log tail; fewer rows shorten the tail. */
export const BUILD_VIEW_ROWS = 25;
