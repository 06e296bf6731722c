-- frequent_viewers (expert, ClickHouse): users with >= 5 view_item events in [now - 30d, now], one filtered scan, grouped, semi-joined to the universe.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT e.user_id
  FROM bench.events AS e
  WHERE e.event = 'view_item'
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 30 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
  GROUP BY e.user_id
  HAVING count(*) >= 5
);
