/**
 * The deflate level of the layer zips a build writes: the knee of time against size on real
 * layers, for layerforge's writer (archiver over Node's zlib). From level 6 (zlib's and
 * Info-ZIP's default) to 5, a pandas layer's zip grew 0.7% (28.69 to 28.89 MiB) and an
 * unpruned numpy, scipy and pandas tree's 0.7% (66.02 to 66.49 MiB), for 22% and 7% less CPU;
 * level 4 costs about 3% more in bytes. In its own module: the cache key names it, and a cache
 * hit must not load the writer.
 */
export const LAYER_ZIP_LEVEL = 5;
