-- top_spenders (expert, ClickHouse): users whose purchase sum in [now - 365d, now] (0 when none) is beaten by fewer than 20% of all users
-- (g * 100 < 20 * n), one filtered aggregate scan, left-joined to the universe, RANK() - 1 = number of strictly greater scores.
WITH spend AS (
  SELECT e.user_id, sum(e.amount) AS total
  FROM bench.events AS e
  WHERE e.event = 'purchase'
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 365 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
  GROUP BY e.user_id
),
scored AS (
  SELECT u.user_id, coalesce(s.total, 0) AS score
  FROM bench.users AS u
  LEFT JOIN spend AS s ON s.user_id = u.user_id
)
SELECT user_id
FROM scored
QUALIFY (rank() OVER (ORDER BY score DESC) - 1) * 100 < 20 * count(*) OVER ()
SETTINGS join_use_nulls = 1;
