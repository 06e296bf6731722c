-- frequent_viewers (naive): every user with a correlated COUNT of view_item events in [now - 30d, now], kept when >= 5.
SELECT u.user_id
FROM bench.users AS u
WHERE (
  SELECT count(*)
  FROM bench.events AS e
  WHERE e.user_id = u.user_id
    AND e.event = 'view_item'
    AND e.ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 30 DAY AND TIMESTAMP '2026-06-01 00:00:00'
) >= 5;
