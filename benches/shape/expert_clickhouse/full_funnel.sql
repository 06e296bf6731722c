-- full_funnel (expert, ClickHouse): users with view_item < add_to_cart < begin_checkout < purchase (strictly increasing ts), the view in
-- [now - 30d, now], the purchase within 1d of the view, all <= now. One prefiltered scan, per user, in time order, each step
-- keeps the latest possible chain start through the previous step (running window MAX), so no self-joins.
WITH ev AS (
  SELECT
    e.user_id,
    e.ts,
    CASE e.event
      WHEN 'view_item' THEN 1
      WHEN 'add_to_cart' THEN 2
      WHEN 'begin_checkout' THEN 3
      ELSE 4
    END AS step
  FROM bench.events AS e
  WHERE e.event IN ('view_item', 'add_to_cart', 'begin_checkout', 'purchase')
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 30 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
),
-- At equal instants, later steps sort first, so a running frame only sees strictly earlier rows of the previous step.
s2 AS (
  SELECT
    user_id, ts, step,
    CASE WHEN step = 1 THEN ts
         WHEN step = 2 THEN max(CASE WHEN step = 1 THEN ts END) OVER w
    END AS start
  FROM ev
  WINDOW w AS (PARTITION BY user_id ORDER BY ts, step DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
s3 AS (
  SELECT
    user_id, ts, step,
    CASE WHEN step = 2 THEN start
         WHEN step = 3 THEN max(CASE WHEN step = 2 THEN start END) OVER w
    END AS start
  FROM s2
  WHERE step >= 2
  WINDOW w AS (PARTITION BY user_id ORDER BY ts, step DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
s4 AS (
  SELECT
    user_id, ts, step,
    CASE WHEN step = 4 THEN max(CASE WHEN step = 3 THEN start END) OVER w END AS start
  FROM s3
  WHERE step >= 3
  WINDOW w AS (PARTITION BY user_id ORDER BY ts, step DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT user_id
  FROM s4
  WHERE step = 4
    AND ts <= start + INTERVAL 1 DAY
);
