-- viewed_then_carted (naive): users with a view_item in [now - 30d, now] and an add_to_cart strictly after it, within 1d
-- and not after now, a self-join of events inside a correlated EXISTS.
SELECT u.user_id
FROM bench.users AS u
WHERE EXISTS (
  SELECT 1
  FROM bench.events AS v
  JOIN bench.events AS c ON c.user_id = v.user_id
  WHERE v.user_id = u.user_id
    AND v.event = 'view_item'
    AND v.ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 30 DAY AND TIMESTAMP '2026-06-01 00:00:00'
    AND c.event = 'add_to_cart'
    AND c.ts > v.ts
    AND c.ts <= v.ts + INTERVAL 1 DAY
    AND c.ts <= TIMESTAMP '2026-06-01 00:00:00'
);
