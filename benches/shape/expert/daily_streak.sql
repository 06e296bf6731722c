-- daily_streak (expert): users with a login in each of the 3 day-buckets [now-1d, now], [now-2d, now-1d), [now-3d, now-2d),
-- one prefiltered scan with filtered aggregates, semi-joined to the universe.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT e.user_id
  FROM bench.events AS e
  WHERE e.event = 'login'
    AND e.ts >= TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 3 DAY
    AND e.ts <= TIMESTAMP '2026-06-01 00:00:00'
  GROUP BY e.user_id
  HAVING bool_or(e.ts >= TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 1 DAY)
     AND bool_or(e.ts < TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 1 DAY
             AND e.ts >= TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 2 DAY)
     AND bool_or(e.ts < TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 2 DAY)
);
