-- daily_streak (expert, ClickHouse): users with a login in each of the 3 day-buckets [now-1d, now], [now-2d, now-1d), [now-3d, now-2d),
-- one prefiltered scan with filtered aggregates, semi-joined to the universe.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT e.user_id
  FROM bench.events AS e
  WHERE e.event = 'login'
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 3 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
  GROUP BY e.user_id
  HAVING countIf(e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 1 DAY) > 0
     AND countIf(e.ts < toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 1 DAY
             AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 2 DAY) > 0
     AND countIf(e.ts < toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 2 DAY) > 0
);
