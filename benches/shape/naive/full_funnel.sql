-- full_funnel (naive): users with view_item < add_to_cart < begin_checkout < purchase (strictly increasing ts), the view in
-- [now - 30d, now], the purchase within 1d of the view and not after now, a four-way self-join of events in a correlated EXISTS.
SELECT u.user_id
FROM bench.users AS u
WHERE EXISTS (
  SELECT 1
  FROM bench.events AS v
  JOIN bench.events AS c ON c.user_id = v.user_id
  JOIN bench.events AS b ON b.user_id = v.user_id
  JOIN bench.events AS p ON p.user_id = v.user_id
  WHERE v.user_id = u.user_id
    AND v.event = 'view_item'
    AND v.ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 30 DAY AND TIMESTAMP '2026-06-01 00:00:00'
    AND c.event = 'add_to_cart'
    AND b.event = 'begin_checkout'
    AND p.event = 'purchase'
    AND c.ts > v.ts
    AND b.ts > c.ts
    AND p.ts > b.ts
    AND p.ts <= v.ts + INTERVAL 1 DAY
    AND p.ts <= TIMESTAMP '2026-06-01 00:00:00'
);
