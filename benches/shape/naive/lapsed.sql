-- lapsed (naive): every user with a correlated MAX of login times (ts <= now), kept when that latest login is before now - 30d.
SELECT u.user_id
FROM bench.users AS u
WHERE (
  SELECT max(e.ts)
  FROM bench.events AS e
  WHERE e.user_id = u.user_id
    AND e.event = 'login'
    AND e.ts <= TIMESTAMP '2026-06-01 00:00:00'
) < TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 30 DAY;
