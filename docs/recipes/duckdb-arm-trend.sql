-- Completed tasks and the OLS slope of input tokens per day, per arm and over all arms (the row
-- whose agent is NULL), from `afterburn export --path logs/ --out attempts.parquet`.
-- Run: duckdb -f docs/recipes/duckdb-arm-trend.sql (in the directory holding attempts.parquet).
-- tokens_per_day equals afterburn's ols_slope; the Mann-Kendall verdict stays afterburn's job.
SELECT
  agent,
  count(*) AS completed,
  count(input_tokens) AS with_input_tokens,
  regr_slope(input_tokens, ts_completed / 86400000.0) AS tokens_per_day
FROM 'attempts.parquet'
WHERE status = 'completed'
GROUP BY ROLLUP (agent)
ORDER BY agent NULLS FIRST;
