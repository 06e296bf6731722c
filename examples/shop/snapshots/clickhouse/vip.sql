WITH
  "vip__scan" AS (
    SELECT
      "user_id" AS user_id,
      SUM(CASE WHEN JSONType("properties", 'amount') IN ('Int64', 'UInt64', 'Double') THEN JSONExtractFloat("properties", 'amount') END) AS sum_1
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("event" = 'purchase')
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 365 DAY))
    GROUP BY "user_id"
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "vip__scan" AS s ON s.user_id = u."user_id"
WHERE COALESCE(s.sum_1, 0) >= 1000
SETTINGS join_use_nulls = 1
