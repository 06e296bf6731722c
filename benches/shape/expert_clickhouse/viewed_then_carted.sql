-- viewed_then_carted (expert, ClickHouse): users with a view_item in [now - 30d, now] followed strictly later, within 1d, by an add_to_cart (<= now),
-- one prefiltered scan, the latest strictly earlier view per cart found with a running window MAX (no self-join).
WITH ev AS (
  SELECT e.user_id, e.ts, e.event = 'view_item' AS is_view
  FROM bench.events AS e
  WHERE e.event IN ('view_item', 'add_to_cart')
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 30 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
),
prev AS (
  SELECT
    user_id,
    ts,
    is_view,
    -- carts sort before views at the same instant, so only strictly earlier views are seen
    max(CASE WHEN is_view THEN ts END) OVER (
      PARTITION BY user_id ORDER BY ts, is_view
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS last_view
  FROM ev
)
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT user_id
  FROM prev
  WHERE NOT is_view
    AND ts <= last_view + INTERVAL 1 DAY
);
