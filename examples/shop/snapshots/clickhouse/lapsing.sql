WITH
  "lapsing__history" AS (
    SELECT
      "user_id" AS user_id,
      MAX("ts") AS last_1
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("event" = 'login')
    GROUP BY "user_id"
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "lapsing__history" AS h ON h.user_id = u."user_id"
WHERE COALESCE((h.last_1 IS NOT NULL) AND (h.last_1 < (now64(6, 'UTC') - INTERVAL 21 DAY)), FALSE)
SETTINGS join_use_nulls = 1
