import { expect } from 'vitest';

/** What examples/pandas-regression's handler returns. */
interface RegressionFit {
  intercept: number;
  slope: number;
  r_squared: number;
  n: number;
  pandas: string;
  numpy: string;
}

/**
 * Checks a pandas-regression payload against the fit computed by hand, so a wrong numpy or a
 * broken layer cannot pass: least squares through (1,3.1) … (5,11.0) gives slope = Sxy/Sxx =
 * 19.7/10 and intercept = 7 - 1.97 * 3, with r² = 38.809/38.9.
 */
export function expectRegressionFit(
  payload: string,
  versions: { pandas: string | RegExp; numpy: string | RegExp },
): void {
  const fit = JSON.parse(payload) as RegressionFit;
  expect(fit).toMatchObject({ intercept: 1.09, slope: 1.97, n: 5 });
  expect(fit.r_squared).toBeCloseTo(38.809 / 38.9, 8);
  expect(fit.pandas).toMatch(versions.pandas);
  expect(fit.numpy).toMatch(versions.numpy);
}
