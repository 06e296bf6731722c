WITH
  "cart_abandoners__q1_instants" AS (
    SELECT
      "user_id" AS user_id,
      "ts" AS ts,
      CASE WHEN ("event" = 'add_to_cart') AND ("ts" >= (now64(6, 'UTC') - INTERVAL 2 DAY)) THEN 1 ELSE 0 END AS f_1,
      CASE WHEN "event" = 'purchase' THEN 1 ELSE 0 END AS f_not
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("event" IN ('add_to_cart', 'purchase'))
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 2 DAY))
  ),
  "cart_abandoners__q1_chain2" AS (
    SELECT
      *,
      CASE WHEN f_1 = 1 THEN ts END AS l_1,
      MIN(CASE WHEN f_not = 1 THEN ts END) OVER (PARTITION BY user_id ORDER BY ts, f_not DESC ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_not
    FROM "cart_abandoners__q1_instants"
  ),
  "cart_abandoners__q1" AS (
    SELECT
      user_id,
      MAX(CASE WHEN (l_1 IS NOT NULL) AND ((l_1 + INTERVAL 1 HOUR) <= now64(6, 'UTC')) AND ((next_not IS NULL) OR (next_not > (l_1 + INTERVAL 1 HOUR))) THEN 1 ELSE 0 END) AS hit
    FROM "cart_abandoners__q1_chain2"
    GROUP BY user_id
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "cart_abandoners__q1" AS q_1 ON q_1.user_id = u."user_id"
WHERE COALESCE(q_1.hit, 0) = 1
SETTINGS join_use_nulls = 1
