-- cart_abandoners (naive): users with an add_to_cart in [now - 7d, now] whose hour has ended by now and that has no
-- purchase in (cart.ts, cart.ts + 1h], nested correlated EXISTS / NOT EXISTS (a self-join of events).
SELECT u.user_id
FROM bench.users AS u
WHERE EXISTS (
  SELECT 1
  FROM bench.events AS c
  WHERE c.user_id = u.user_id
    AND c.event = 'add_to_cart'
    AND c.ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 7 DAY AND TIMESTAMP '2026-06-01 00:00:00'
    AND c.ts + INTERVAL 1 HOUR <= TIMESTAMP '2026-06-01 00:00:00'
    AND NOT EXISTS (
      SELECT 1
      FROM bench.events AS p
      WHERE p.user_id = c.user_id
        AND p.event = 'purchase'
        AND p.ts > c.ts
        AND p.ts <= c.ts + INTERVAL 1 HOUR
    )
);
