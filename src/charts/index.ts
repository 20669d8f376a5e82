/** d3 / canvas drawing helpers shared by the widgets: pure DOM drawing, no diffusion maths. */
export { lineChart, seriesColor, seriesDash, type LineChartOptions, type LineChartScales, type LineSeries } from './line-chart';
export { binDensities, histogram, type HistogramOptions, type HistogramResult } from './histogram';
export { imageGrid, toGrey, type ImageGridOptions } from './image-grid';
export { formatPowerOfTen } from './svg-frame';
