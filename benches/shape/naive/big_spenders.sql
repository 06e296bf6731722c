-- big_spenders (naive): every user with a correlated SUM of purchase amounts in [now - 365d, now] (0 when none), kept when > 500.
SELECT u.user_id
FROM bench.users AS u
WHERE (
  SELECT coalesce(sum(e.amount), 0)
  FROM bench.events AS e
  WHERE e.user_id = u.user_id
    AND e.event = 'purchase'
    AND e.ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 365 DAY AND TIMESTAMP '2026-06-01 00:00:00'
) > 500;
