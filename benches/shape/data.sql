-- Deterministic benchmark data for DuckDB: :users users and :events events,
-- with uniform or skewed activity. The runner replaces {USERS}, {EVENTS}
-- and {SKEW} (1 for uniform, 3 for skewed: user = floor(N * u^3)).
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE TABLE bench.users AS
SELECT
  'u' || i AS user_id,
  CASE WHEN hash(i, 1) % 10 = 0 THEN NULL ELSE ['ZA', 'NG', 'US', 'GB', 'DE'][1 + CAST(hash(i, 2) % 5 AS INTEGER)] END AS country,
  ['free', 'free', 'pro', 'business'][1 + CAST(hash(i, 3) % 4 AS INTEGER)] AS plan,
  TIMESTAMP '2024-06-01' + to_seconds(CAST(hash(i, 4) % (730 * 86400) AS BIGINT)) AS signed_up_at
FROM range({USERS}) AS t(i);
CREATE OR REPLACE TABLE bench.events AS
WITH raw AS (
  SELECT
    i,
    CAST(floor({USERS} * pow((hash(i, 10) % 1000000007) / 1000000007.0, {SKEW})) AS BIGINT) AS u,
    CAST(hash(i, 11) % 100 AS INTEGER) AS kind
  FROM range({EVENTS}) AS t(i)
)
SELECT
  'u' || u AS user_id,
  CASE
    WHEN kind < 35 THEN 'view_item'
    WHEN kind < 55 THEN 'login'
    WHEN kind < 70 THEN 'add_to_cart'
    WHEN kind < 78 THEN 'begin_checkout'
    WHEN kind < 88 THEN 'purchase'
    WHEN kind < 90 THEN 'refund'
    ELSE 'email_open'
  END AS event,
  TIMESTAMP '2026-06-01' - to_seconds(CAST(hash(i, 12) % (400 * 86400) AS BIGINT)) AS ts,
  CASE WHEN kind >= 78 AND kind < 90 THEN (hash(i, 13) % 40000) / 100.0 END AS amount,
  CASE WHEN kind < 78 THEN ['shoes', 'bags', 'hats', 'shirts'][1 + CAST(hash(i, 14) % 4 AS INTEGER)] END AS category
FROM raw;
